package dev.stepflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server killed with SIGKILL, then started again on the same data folder: an instance
 * paused on failure stays paused (and resumes with a fresh budget), and a fan-out whose first
 * branches committed before the kill re-runs only the others. The effect log proves what ran.
 */
class KillNineIT {
  private static final String WF = "/client/v4/accounts/crash/workflows/scripted";

  @TempDir Path work;

  private StepflowProcess start(String name) throws IOException {
    return StepflowProcess.start(
        work.resolve("data"),
        work,
        name,
        List.of("--effects-log", work.resolve("effects.log").toString()));
  }

  /** The effect log's starts of {@code instanceId}: "do b0-1 #1", in order. */
  private List<String> effects(String instanceId) throws IOException {
    Path log = work.resolve("effects.log");
    List<String> lines = new ArrayList<>();
    if (!Files.exists(log)) {
      return lines;
    }
    for (String line : Files.readAllLines(log)) {
      String[] f = line.split("\t");
      if (f.length >= 4 && f[0].equals(instanceId) && !f[1].endsWith("-end")) {
        lines.add(f[1] + " " + f[2] + " #" + f[3]);
      }
    }
    return lines;
  }

  private static JsonNode awaitStatus(ApiClient api, String id, String status, int seconds) {
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> api.get(WF + "/instances/" + id).result().get("status").asText().equals(status));
    return api.get(WF + "/instances/" + id).result();
  }

  @Test
  void anInstancePausedOnFailureStaysPausedAcrossAKillAndResumesWithAFreshBudget()
      throws Exception {
    try (StepflowProcess first = start("first")) {
      ApiClient api = first.client();
      api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
      api.post(
          WF + "/instances",
          """
          {"instance_id": "careful", "on_failure": "pause", "params": {"steps": [
            {"do": "charge"},
            {"do": "flaky", "fail": 4, "retries": {"limit": 2, "delay": 20, "backoff": "constant"}}]}}""");
      awaitStatus(api, "careful", "paused", 20);
      assertThat(first.kill()).isNotZero();
    }

    try (StepflowProcess second = start("second")) {
      ApiClient api = second.client();
      JsonNode paused = api.get(WF + "/instances/careful").result();
      assertThat(paused.get("status").asText()).isEqualTo("paused");
      assertThat(paused.get("error").get("message").asText()).contains("attempt 3");
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
      assertThat(api.get(WF + "/instances/careful").result().get("status").asText())
          .isEqualTo("paused");
      assertThat(effects("careful")).hasSize(4);

      api.patch(WF + "/instances/careful/status", "{\"status\":\"resume\"}");
      awaitStatus(api, "careful", "complete", 20);
      assertThat(effects("careful"))
          .containsExactly(
              "do charge-1 #1",
              "do flaky-1 #1",
              "do flaky-1 #2",
              "do flaky-1 #3",
              "do flaky-1 #4",
              "do flaky-1 #5");
    }
  }

  @Test
  void aKillAfterFiveOfTenBranchesCommittedRerunsOnlyTheOtherFive() throws Exception {
    List<String> branches = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      branches.add("{\"do\": \"b" + i + "\", \"ms\": " + (i < 5 ? 50 : 4000) + "}");
    }
    try (StepflowProcess first = start("first")) {
      ApiClient api = first.client();
      api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
      api.post(
          WF + "/instances",
          "{\"instance_id\": \"fan\", \"params\": {\"steps\": [{\"parallel\": ["
              + String.join(",", branches)
              + "]}]}}");
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> completeSteps(api.get(WF + "/instances/fan").result()) == 5);
      assertThat(first.kill()).isNotZero();
    }

    try (StepflowProcess second = start("second")) {
      JsonNode complete = awaitStatus(second.client(), "fan", "complete", 30);
      assertThat(complete.get("output")).hasSize(10);
    }
    List<String> effects = effects("fan");
    for (int i = 0; i < 10; i++) {
      String start = "do b" + i + "-1 #1";
      assertThat(effects.stream().filter(start::equals).count())
          .as("starts of b%d", i)
          .isEqualTo(i < 5 ? 1 : 2);
    }
  }

  private static int completeSteps(JsonNode details) {
    int complete = 0;
    for (JsonNode step : details.get("steps")) {
      if (step.path("success").asBoolean(false)) {
        complete++;
      }
    }
    return complete;
  }
}
