package dev.stepflow.domain;

import java.util.Map;

/**
 * The answer kept for an idempotency key, to be given again to a repeat of its request: the HTTP
 * status, the headers that belong to the answer (e.g. {@code ETag}), and the JSON body as sent.
 */
public record StoredAnswer(int status, Map<String, String> headers, String body) {
  public StoredAnswer {
    headers = Map.copyOf(headers);
  }
}
