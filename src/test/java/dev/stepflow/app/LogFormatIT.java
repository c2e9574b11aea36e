package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.testing.StepflowProcess.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --log-format json}: every line the packaged server logs is a JSON object, and the
 * engine's lines about an instance carry its id, workflow, account, run id and step in their MDC
 * fields. A format other than text or json is a usage error in one line, exit code 2.
 */
class LogFormatIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WF = "/client/v4/accounts/logs/workflows/scripted";

  @TempDir Path dir;

  @Test
  void everyLineIsJsonAndRunLinesCarryTheInstance() throws Exception {
    List<String> lines;
    try (StepflowProcess server =
        StepflowProcess.start(
            dir.resolve("data"), dir, "json-log", List.of("--log-format", "json"))) {
      ApiClient api = server.client();
      assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"logs\"}").status())
          .isEqualTo(200);
      String steps =
          "[{\"do\":\"charge\",\"fail\":1,"
              + "\"retries\":{\"limit\":2,\"delay\":10,\"backoff\":\"constant\"}}]";
      assertThat(
              api.post(
                      WF + "/instances",
                      "{\"instance_id\":\"flaky-1\",\"params\":{\"steps\":" + steps + "}}")
                  .status())
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  api.get(WF + "/instances/flaky-1")
                      .result()
                      .get("status")
                      .asText()
                      .equals("complete"));
      server.stop(); // SIGTERM: the shutdown lines are logged too
      lines = Files.readAllLines(server.stderrFile());
    }

    List<JsonNode> logged = new ArrayList<>();
    for (String line : lines) {
      logged.add(JSON.readTree(line)); // throws, naming the line, if one is not JSON
    }
    assertThat(logged).allSatisfy(l -> assertThat(l.isObject()).as(l.toString()).isTrue());
    assertThat(logged)
        .as("the start line")
        .anySatisfy(
            l -> assertThat(l.path("formattedMessage").asText()).startsWith("Stepflow serving "));

    List<JsonNode> failedAttempt =
        logged.stream()
            .filter(l -> l.path("level").asText().equals("WARN"))
            .filter(l -> l.path("formattedMessage").asText().contains("failed attempt 1"))
            .toList();
    assertThat(failedAttempt).as(String.join("\n", lines)).hasSize(1);
    JsonNode mdc = failedAttempt.getFirst().get("mdc");
    assertThat(mdc.path("instance").asText()).isEqualTo("flaky-1");
    assertThat(mdc.path("workflow").asText()).isEqualTo("scripted");
    assertThat(mdc.path("account").asText()).isEqualTo("logs");
    assertThat(mdc.path("step").asText()).isEqualTo("charge-1");
    assertThat(mdc.path("runId").asText()).matches("\\d+");
  }

  @Test
  void aFormatOtherThanTextOrJsonIsAUsageError() throws Exception {
    List<String> serve = List.of("serve", "--port", "0", "--data", dir.resolve("data").toString());
    List<String> withOption = new ArrayList<>(serve);
    withOption.addAll(List.of("--log-format", "xml"));
    assertToldAsUsage(StepflowProcess.run(withOption));
    assertToldAsUsage(StepflowProcess.run(serve, Map.of("STEPFLOW_LOG_FORMAT", "xml")));
    assertThat(dir.resolve("data")).doesNotExist();
  }

  private static void assertToldAsUsage(CommandResult result) {
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr().lines().toList())
        .containsExactly(
            "--log-format must be text or json (found: xml)",
            "Run 'stepflow serve --help' for the options.");
  }
}
