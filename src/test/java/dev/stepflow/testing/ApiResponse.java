package dev.stepflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/**
 * A response of the API under test: status, headers, the parsed JSON body and the HTTP version it
 * came in.
 */
public record ApiResponse(
    int status, HttpHeaders headers, JsonNode body, java.net.http.HttpClient.Version version) {

  public JsonNode result() {
    return body.get("result");
  }

  /** The first error code, or -1 on success. */
  public int errorCode() {
    JsonNode errors = body.get("errors");
    return errors != null && errors.size() > 0 ? errors.get(0).get("code").asInt() : -1;
  }

  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }
}
