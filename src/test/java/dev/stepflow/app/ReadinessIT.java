package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /readyz} and {@code GET /healthz} of the packaged server, without a token: both 200 on
 * a server that runs; on PostgreSQL, readiness turns 503 within 2 s of the database stopping while
 * liveness stays 200, and turns 200 again once the database is back.
 */
class ReadinessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  private record Answer(int status, JsonNode body, String retryAfter) {}

  private static Answer get(StepflowProcess server, String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server.origin() + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
      return new Answer(
          response.statusCode(),
          JSON.readTree(response.body()),
          response.headers().firstValue("retry-after").orElse(null));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void assertReady(Answer ready) {
    assertThat(ready.status()).as(ready.body().toString()).isEqualTo(200);
    assertThat(ready.body().get("success").asBoolean()).isTrue();
    assertThat(ready.body().get("result"))
        .isEqualTo(
            JSON.createObjectNode().put("ready", true).put("store", "ok").put("dispatcher", "ok"));
  }

  @Test
  void aRunningServerIsReadyAndLive() throws IOException {
    try (StepflowProcess server = StepflowProcess.start(dir.resolve("data"), dir, "ready-sqlite")) {
      assertReady(get(server, "/readyz"));
      assertThat(get(server, "/healthz").status()).isEqualTo(200);
    }
  }

  @Test
  void readinessFollowsPostgresWhileLivenessStays() throws IOException {
    TestPostgres postgres = TestPostgres.dedicated();
    try (StepflowProcess server =
        StepflowProcess.start(
            dir.resolve("data"),
            dir,
            "ready-postgres",
            TestPostgres.serveOptions(postgres.createDatabase()))) {
      assertReady(get(server, "/readyz"));

      postgres.stopServer();
      long stopped = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(2))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> get(server, "/readyz").status() == 503);
      Duration took = Duration.ofNanos(System.nanoTime() - stopped);
      Answer notReady = get(server, "/readyz");
      assertThat(notReady.status()).isEqualTo(503);
      assertThat(notReady.body().get("success").asBoolean()).isFalse();
      assertThat(notReady.body().get("errors").get(0).get("code").asInt()).isEqualTo(10001);
      assertThat(notReady.body().get("messages").get(0).asText()).startsWith("Not ready: store: ");
      assertThat(notReady.body().get("result").isNull()).isTrue();
      assertThat(notReady.retryAfter()).isEqualTo("1");
      assertThat(get(server, "/healthz").status())
          .as("liveness, %s after the stop", took)
          .isEqualTo(200);

      postgres.startServerAgain();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> get(server, "/readyz").status() == 200);
      assertReady(get(server, "/readyz"));
      assertThat(get(server, "/healthz").status()).isEqualTo(200);
    } finally {
      postgres.discard();
    }
  }
}
