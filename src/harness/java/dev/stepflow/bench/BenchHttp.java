package dev.stepflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The load generator's HTTP side: plain JDK HttpClient over HTTP/1.1 to one Stepflow on 127.0.0.1
 * (anything else is refused), without the tests' OpenAPI validation so that the client stays cheap.
 * Every request has a timeout, so no call can hang a round.
 */
final class BenchHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /**
   * A 503 says the store could not take the request for a moment and that nothing changed, and asks
   * to try again shortly: the benchmark does, a few times, rather than failing a whole case.
   */
  private static final int ATTEMPTS_AFTER_503 = 5;

  private static final Duration LONGEST_RETRY_WAIT = Duration.ofSeconds(2);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String account;
  private final String token;

  /**
   * {@code baseUrl} is http://127.0.0.1:PORT/client/v4 as the server printed it; {@code token} an
   * API token of that server.
   */
  BenchHttp(String baseUrl, String token) {
    this.token = token;
    URI uri = URI.create(baseUrl);
    if (!"127.0.0.1".equals(uri.getHost())) {
      throw new IllegalArgumentException("the benchmark only targets 127.0.0.1, not " + baseUrl);
    }
    this.account = baseUrl + "/accounts/bench";
  }

  void putWorkflow(String name) {
    send("PUT", "/workflows/" + name, "{\"class_name\":\"Scripted\",\"script_name\":\"bench\"}");
  }

  /** POSTs one JSON array of up to 100 instances. */
  void createBatch(String workflow, String body) {
    send("POST", "/workflows/" + workflow + "/instances/batch", body);
  }

  /**
   * How many instances of {@code workflow} are in {@code status}, from the workflow's counts (GET
   * workflow, from the kept counts). Not from a list filtered by status: that also reads a page of
   * instances, and in a database PostgreSQL has not analyzed yet (every case's fresh one, for its
   * first minute) its planner, taking the table for empty, reads the whole workflow for that page,
   * which made the poll a large share of the server's work.
   */
  long count(String workflow, String status) {
    JsonNode body = send("GET", "/workflows/" + workflow, null);
    JsonNode n = body.path("result").path("instances").path(status);
    if (!n.isNumber()) {
      throw new IllegalStateException("no result.instances." + status + " in " + body);
    }
    return n.asLong();
  }

  /** The {@code error} of one errored instance of {@code workflow} (for a failure message). */
  String oneError(String workflow) {
    JsonNode page =
        send("GET", "/workflows/" + workflow + "/instances?status=errored&per_page=1", null);
    JsonNode first = page.path("result").path(0);
    if (first.isMissingNode()) {
      return "none errored";
    }
    String id = first.path("id").asText();
    JsonNode instance = send("GET", "/workflows/" + workflow + "/instances/" + id, null);
    return id + ": " + instance.path("result").path("error");
  }

  /** Any call under the account ({@code path} starts with /); its JSON, or a failure. */
  JsonNode call(String method, String path, String body) {
    return send(method, path, body);
  }

  private JsonNode send(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(account + path))
            .timeout(REQUEST_TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.header("Authorization", "Bearer " + token);
    try {
      HttpResponse<String> response = sendRetrying503(request.build(), method + " " + path);
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(
            method + " " + path + " -> " + response.statusCode() + " " + abbreviate(response));
      }
      JsonNode json = JSON.readTree(response.body());
      if (!json.path("success").asBoolean(false)) {
        throw new IllegalStateException(method + " " + path + " failed: " + abbreviate(response));
      }
      return json;
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " " + path + " interrupted", e);
    }
  }

  private HttpResponse<String> sendRetrying503(HttpRequest request, String what)
      throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 503 || attempt == ATTEMPTS_AFTER_503) {
        return response;
      }
      Duration wait = retryAfter(response);
      System.err.println(what + " -> 503; trying again in " + wait.toMillis() + " ms");
      Thread.sleep(wait);
    }
  }

  private static Duration retryAfter(HttpResponse<String> response) {
    Duration asked =
        response
            .headers()
            .firstValue("Retry-After")
            .flatMap(BenchHttp::seconds)
            .orElse(Duration.ofMillis(200));
    return asked.compareTo(LONGEST_RETRY_WAIT) > 0 ? LONGEST_RETRY_WAIT : asked;
  }

  private static Optional<Duration> seconds(String value) {
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String abbreviate(HttpResponse<String> response) {
    String text = response.body();
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }
}
