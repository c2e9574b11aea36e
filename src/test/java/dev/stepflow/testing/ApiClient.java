package dev.stepflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Talks to a running Stepflow over real HTTP/1.1 (or the client it is given) and checks every
 * response twice: against openapi/workflows.yaml with an OpenAPI validator (so spec and server
 * cannot drift apart), and for the v4 envelope basics every response must have (JSON content type,
 * success flag, errors array).
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OpenApiInteractionValidator VALIDATOR =
      OpenApiInteractionValidator.createForSpecificationUrl(
              Path.of("openapi/workflows.yaml").toAbsolutePath().toUri().toString())
          .withBasePathOverride("/client/v4")
          .build();

  private static final HttpClient HTTP_1_1 =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final HttpClient http;
  private final String origin;
  private final String token;

  /**
   * {@code origin} is http://host:port, without the base path; {@code token} is the API token sent
   * as {@code Authorization: Bearer}, or null to send none.
   */
  public ApiClient(String origin, String token) {
    this(origin, token, HTTP_1_1);
  }

  /**
   * As {@link #ApiClient(String, String)}, sending with {@code http}: an HTTP/2 client, or one
   * whose SSL context trusts a test certificate for an https:// origin.
   */
  public ApiClient(String origin, String token, HttpClient http) {
    this.origin = origin;
    this.token = token;
    this.http = http;
  }

  /** A client of the same server that sends {@code other} as its token (null: none). */
  public ApiClient withToken(String other) {
    return new ApiClient(origin, other, http);
  }

  /** The dev token that a first start wrote to {@code dataDir}. */
  public static String devToken(Path dataDir) {
    try {
      return java.nio.file.Files.readString(dataDir.resolve("dev-token")).strip();
    } catch (IOException e) {
      throw new IllegalStateException("no dev token in " + dataDir, e);
    }
  }

  public String origin() {
    return origin;
  }

  public ApiResponse get(String path) {
    return send("GET", path, null, null);
  }

  public ApiResponse delete(String path) {
    return send("DELETE", path, null, null);
  }

  public ApiResponse post(String path, String json) {
    return send("POST", path, json, "application/json");
  }

  public ApiResponse put(String path, String json) {
    return send("PUT", path, json, json == null ? null : "application/json");
  }

  public ApiResponse patch(String path, String json) {
    return send("PATCH", path, json, "application/json");
  }

  /**
   * Binds {@code workflow} (its path) to {@code Scripted} and creates {@code count} instances i0,
   * i1, ... with no params, oldest first, in batches of 100.
   */
  public void createScriptedInstances(String workflow, int count) {
    createScriptedInstances(workflow, count, null);
  }

  /**
   * As {@link #createScriptedInstances(String, int)}, every instance with {@code params} (JSON, or
   * null for none).
   */
  public void createScriptedInstances(String workflow, int count, String params) {
    assertThat(put(workflow, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
    for (int from = 0; from < count; from += 100) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = from; i < Math.min(count, from + 100); i++) {
        batch.append(i == from ? "" : ",").append("{\"instance_id\":\"i").append(i).append("\"");
        if (params != null) {
          batch.append(",\"params\":").append(params);
        }
        batch.append("}");
      }
      ApiResponse created = post(workflow + "/instances/batch", batch + "]");
      assertThat(created.status()).as("batch create: %s", created.body()).isEqualTo(200);
    }
  }

  /**
   * Sends a body streamed without a Content-Length (chunked), as a client that does not know it.
   */
  public ApiResponse sendChunked(String method, String path, byte[] body) {
    return exchange(
        method,
        path,
        HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)),
        Map.of("Content-Type", "application/json"));
  }

  /** Sends any request; {@code path} starts with /client/v4 or is any other absolute path. */
  public ApiResponse send(String method, String path, String body, String contentType) {
    return send(method, path, body, contentType, Map.of());
  }

  /** As {@link #send(String, String, String, String)}, with more request headers. */
  public ApiResponse send(
      String method, String path, String body, String contentType, Map<String, String> headers) {
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    if (contentType != null) {
      all.put("Content-Type", contentType);
    }
    return sendBytes(
        method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), all);
  }

  /**
   * Sends raw bytes as the body (null: none) with exactly {@code headers} besides the token: for
   * bodies that are not valid text, such as invalid UTF-8.
   */
  public ApiResponse sendBytes(
      String method, String path, byte[] body, Map<String, String> headers) {
    return exchange(
        method,
        path,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body),
        headers);
  }

  /** The one place requests go out: the token, the headers, the send, and the checks. */
  private ApiResponse exchange(
      String method, String path, HttpRequest.BodyPublisher body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(origin + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body);
    authorize(request);
    headers.forEach(request::header);
    try {
      return check(method, path, http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void authorize(HttpRequest.Builder request) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
  }

  private static ApiResponse check(String method, String path, HttpResponse<String> response)
      throws IOException {
    String what = method + " " + path + " -> " + response.statusCode() + " " + response.body();
    assertThat(response.headers().firstValue("Content-Type"))
        .as("content type of " + what)
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("success").isBoolean()).as("success flag of " + what).isTrue();
    assertThat(body.path("errors").isArray()).as("errors array of " + what).isTrue();
    assertThat(body.has("result")).as("result member of " + what).isTrue();
    assertThat(body.path("success").asBoolean())
        .as("success agrees with the status of " + what)
        .isEqualTo(response.statusCode() < 400);
    validateAgainstSpec(method, path, response, what);
    return new ApiResponse(response.statusCode(), response.headers(), body, response.version());
  }

  private static void validateAgainstSpec(
      String method, String path, HttpResponse<String> response, String what) {
    String rawPath = URI.create("http://x" + path).getRawPath();
    if (!rawPath.startsWith("/client/v4/")) {
      return; // /healthz and unknown roots are outside the contract
    }
    SimpleResponse.Builder simple =
        SimpleResponse.Builder.status(response.statusCode()).withBody(response.body());
    response.headers().map().forEach((k, v) -> simple.withHeader(k, v));
    ValidationReport report =
        VALIDATOR.validateResponse(
            rawPath, Request.Method.valueOf(method.toUpperCase(Locale.ROOT)), simple.build());
    ValidationReport relevant =
        report.withAdditionalContext(ValidationReport.MessageContext.empty());
    assertThat(relevant.getMessages().stream().filter(m -> !unmatchedRoute(m)).toList())
        .as("OpenAPI validation of " + what)
        .isEmpty();
  }

  /** Requests to paths the spec does not have (404 / 405 tests) cannot be validated. */
  private static boolean unmatchedRoute(ValidationReport.Message message) {
    return message.getKey().equals("validation.request.path.missing")
        || message.getKey().equals("validation.request.operation.notAllowed");
  }
}
