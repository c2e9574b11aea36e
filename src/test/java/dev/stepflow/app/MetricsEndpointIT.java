package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@code /metrics} is served and to whom: a port of its own with {@code --metrics-port}, a
 * bearer token with {@code --metrics-token-file}, nothing at all with {@code --metrics off}; and a
 * start with a token file it cannot use fails before serving anything.
 */
class MetricsEndpointIT {
  private static final String SECRET = "scrape-secret-0123456789";
  private static final Pattern METRICS_AT = Pattern.compile("Metrics: (http://\\S+)/metrics");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aMetricsPortWithATokenServesScrapesThereOnlyAndOnlyWithTheToken() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("metrics-token"), SECRET + "\n");
    try (StepflowProcess server =
        StepflowProcess.start(
            dir.resolve("data"),
            dir,
            "metrics-port",
            List.of("--metrics-port", "0", "--metrics-token-file", tokenFile.toString()))) {
      String metricsOrigin = metricsOrigin(server);
      assertThat(metricsOrigin).isNotEqualTo(server.origin());

      HttpResponse<String> scraped = get(metricsOrigin + "/metrics", "Bearer " + SECRET);
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(Scrape.parse(scraped.body()).value("stepflow_ready")).isEqualTo(1);

      HttpResponse<String> anonymous = get(metricsOrigin + "/metrics", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("www-authenticate"))
          .hasValue("Bearer realm=\"metrics\"");
      assertThat(errorCode(anonymous)).isEqualTo(10000);
      assertThat(get(metricsOrigin + "/metrics", "Bearer wrong-secret-0123456789").statusCode())
          .isEqualTo(401);

      // the API's port has no /metrics, the metrics port nothing else
      HttpResponse<String> onApiPort = get(server.origin() + "/metrics", "Bearer " + SECRET);
      assertThat(onApiPort.statusCode()).isEqualTo(404);
      assertThat(errorCode(onApiPort)).isPositive();
      assertThat(get(metricsOrigin + "/healthz", null).statusCode()).isEqualTo(404);
      assertThat(
              get(metricsOrigin + "/client/v4/user/tokens/verify", "Bearer " + SECRET).statusCode())
          .isEqualTo(404);
      assertThat(server.client().get("/client/v4/user/tokens/verify").status()).isEqualTo(200);
      assertThat(get(server.origin() + "/healthz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withMetricsOffNothingIsServedAndTheApiWorks() throws Exception {
    try (StepflowProcess server =
        StepflowProcess.start(
            dir.resolve("off"), dir, "metrics-off", List.of("--metrics", "off"))) {
      HttpResponse<String> metrics = get(server.origin() + "/metrics", null);
      assertThat(metrics.statusCode()).isEqualTo(404);
      assertThat(errorCode(metrics)).isPositive();
      String wf = "/client/v4/accounts/acc1/workflows/off";
      assertThat(
              server
                  .client()
                  .put(wf, "{\"class_name\":\"Scripted\",\"script_name\":\"m\"}")
                  .status())
          .isEqualTo(200);
      assertThat(server.client().post(wf + "/instances", "{\"instance_id\":\"i\"}").status())
          .isEqualTo(200);
      assertThat(Files.readString(server.stdoutFile())).doesNotContain("Metrics");
    }
  }

  @Test
  void aTokenFileThatCannotBeUsedFailsTheStartWithExitCode2() throws Exception {
    Path shortToken = Files.writeString(dir.resolve("short"), "abc\n");
    StepflowProcess.CommandResult refused =
        StepflowProcess.run(
            List.of(
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--data",
                dir.resolve("refused").toString(),
                "--metrics-token-file",
                shortToken.toString()));
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.stderr()).contains("--metrics-token-file").contains("at least 16");

    StepflowProcess.CommandResult contradictory =
        StepflowProcess.run(
            List.of("serve", "--port", "0", "--metrics", "off", "--metrics-port", "0"));
    assertThat(contradictory.exitCode()).isEqualTo(2);
    assertThat(contradictory.stderr()).contains("need --metrics on");
  }

  /** The origin the start-up lines on stdout name for /metrics. */
  private static String metricsOrigin(StepflowProcess server) throws IOException {
    Matcher m = METRICS_AT.matcher(Files.readString(server.stdoutFile()));
    assertThat(m.find()).as("stdout names the metrics URL").isTrue();
    return m.group(1);
  }

  private static HttpResponse<String> get(String url, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int errorCode(HttpResponse<String> response) throws IOException {
    JsonNode body = JSON.readTree(response.body());
    return body.get("errors").get(0).get("code").asInt();
  }
}
