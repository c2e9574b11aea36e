package dev.stepflow.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one request and unwraps the v4 envelope: a 2xx answer with {@code "success": true} gives
 * its whole envelope; anything else throws {@link StepflowApiException}, and no answer throws
 * {@link StepflowIoException}.
 */
final class Transport implements AutoCloseable {
  private static final String USER_AGENT = "stepflow-java-client";
  private static final int DETAIL_CHARS = 200;

  private final HttpClient http;
  private final boolean ownsHttp;
  private final String baseUrl;
  private final String authorization;
  private final Duration timeout;
  private final ObjectMapper json;

  Transport(
      HttpClient http,
      boolean ownsHttp,
      String baseUrl,
      String apiToken,
      Duration timeout,
      ObjectMapper json) {
    this.http = http;
    this.ownsHttp = ownsHttp;
    this.baseUrl = baseUrl;
    this.authorization = "Bearer " + apiToken;
    this.timeout = timeout;
    this.json = json;
  }

  /** Sends {@code method} to {@code path} with {@code body} as JSON (null: none). */
  Answer send(String method, ApiPath path, Object body) {
    URI uri = URI.create(baseUrl + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT);
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, BodyPublishers.ofByteArray(write(body)));
    }
    return new Answer(method, uri, unwrap(method, uri, exchange(method, uri, request.build())));
  }

  private byte[] write(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the request body cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private HttpResponse<byte[]> exchange(String method, URI uri, HttpRequest request) {
    try {
      return http.send(request, BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new StepflowIoException(method, uri, "no answer", e);
    } catch (InterruptedException e) {
      // The caller's thread was interrupted while it waited; keep the flag for its owner to see.
      Thread.currentThread().interrupt();
      throw new StepflowIoException(
          method, uri, "no answer", new InterruptedIOException("interrupted while waiting"));
    }
  }

  private JsonNode unwrap(String method, URI uri, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    JsonNode envelope = parse(response.body());
    boolean succeeded = envelope != null && envelope.path("success").asBoolean(false);
    if (status / 100 == 2 && succeeded) {
      return envelope;
    }
    String detail =
        envelope == null
            ? "the answer is not a JSON envelope: " + snippet(response.body())
            : "the envelope has no errors";
    throw new StepflowApiException(
        method, uri, status, errors(envelope), messages(envelope), detail);
  }

  private JsonNode parse(byte[] body) {
    try {
      JsonNode node = json.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static List<ApiError> errors(JsonNode envelope) {
    List<ApiError> errors = new ArrayList<>();
    if (envelope != null) {
      for (JsonNode error : envelope.path("errors")) {
        errors.add(new ApiError(error.path("code").asInt(0), error.path("message").asText("")));
      }
    }
    return errors;
  }

  /** The failure envelope's messages are strings; a success envelope's are {code, message}. */
  private static List<String> messages(JsonNode envelope) {
    List<String> messages = new ArrayList<>();
    if (envelope != null) {
      for (JsonNode message : envelope.path("messages")) {
        String text = message.isTextual() ? message.asText() : message.path("message").asText("");
        if (!text.isBlank()) {
          messages.add(text);
        }
      }
    }
    return messages;
  }

  private static String snippet(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.length() <= DETAIL_CHARS ? text : text.substring(0, DETAIL_CHARS) + "...";
  }

  @Override
  public void close() {
    if (ownsHttp) {
      http.close();
    }
  }

  /** A successful envelope, with where it came from for error messages. */
  final class Answer {
    private final String method;
    private final URI uri;
    private final JsonNode envelope;

    private Answer(String method, URI uri, JsonNode envelope) {
      this.method = method;
      this.uri = uri;
      this.envelope = envelope;
    }

    /** The envelope's {@code result} read as {@code type}. */
    <T> T result(Class<T> type) {
      return read(envelope.path("result"), json.constructType(type));
    }

    /** The envelope's {@code result} read as a list of {@code type}; empty when absent. */
    <T> List<T> resultList(Class<T> type) {
      JsonNode result = envelope.path("result");
      if (result.isMissingNode() || result.isNull()) {
        return List.of();
      }
      return read(result, json.getTypeFactory().constructCollectionType(List.class, type));
    }

    /** {@code result_info.cursor}, or null. */
    String cursor() {
      JsonNode cursor = envelope.path("result_info").path("cursor");
      return cursor.isTextual() ? cursor.asText() : null;
    }

    private <T> T read(JsonNode node, JavaType type) {
      try {
        return json.treeToValue(node, type);
      } catch (IOException e) {
        throw new StepflowIoException(
            method, uri, "the answer cannot be read as " + type.toCanonical(), e);
      }
    }
  }
}
