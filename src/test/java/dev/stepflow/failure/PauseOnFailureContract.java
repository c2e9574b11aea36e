package dev.stepflow.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pause on failure (on_failure: pause) through HTTP on a real server, for each store: a step that
 * runs out of retries pauses its instance with the error shown and nothing compensated; resume runs
 * that step again with a fresh budget (the attempt numbers go on); terminate with rollback and
 * restart work as on any paused instance. The effect log of the built-in Scripted workflow proves
 * which attempts and handlers ran.
 */
abstract class PauseOnFailureContract {
  static final String ACCOUNT = "/client/v4/accounts/onfail/workflows/";

  /**
   * "charge" succeeds; "flaky" fails its first 4 attempts with a budget of 1 attempt + 2 retries;
   * both register rollback handlers.
   */
  static final String STEPS =
      """
      [{"do": "charge", "rollback": {}},
       {"do": "flaky", "fail": 4, "retries": {"limit": 2, "delay": 20, "backoff": "constant"},
        "rollback": {}}]""";

  abstract TestServer server();

  private ApiClient api;

  @BeforeEach
  void bindWorkflows() {
    api = server().client();
    assertThat(put("erroring", "")).isEqualTo(200);
    assertThat(put("pausing", ",\"on_failure\":\"pause\"")).isEqualTo(200);
  }

  private int put(String workflow, String extra) {
    return api.put(
            ACCOUNT + workflow, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"" + extra + "}")
        .status();
  }

  private void create(String workflow, String id, String extra) {
    ApiResponse created =
        api.post(
            ACCOUNT + workflow + "/instances",
            "{\"instance_id\":\"" + id + "\",\"params\":{\"steps\":" + STEPS + "}" + extra + "}");
    assertThat(created.status()).isEqualTo(200);
  }

  private JsonNode instance(String workflow, String id) {
    return api.get(ACCOUNT + workflow + "/instances/" + id).result();
  }

  private JsonNode awaitStatus(String workflow, String id, String expected) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> instance(workflow, id).get("status").asText().equals(expected));
    return instance(workflow, id);
  }

  private String patch(String workflow, String id, String body) {
    ApiResponse response = api.patch(ACCOUNT + workflow + "/instances/" + id + "/status", body);
    assertThat(response.status()).isEqualTo(200);
    return response.result().get("status").asText();
  }

  private static JsonNode step(JsonNode details, String name) {
    for (JsonNode step : details.get("steps")) {
      if (name.equals(step.path("name").asText())) {
        return step;
      }
    }
    throw new AssertionError("no step " + name + " in " + details.get("steps"));
  }

  @Test
  void aStepOutOfRetriesPausesTheInstanceWithItsErrorShownAndNothingCompensated() {
    create("pausing", "paused-1", "");

    JsonNode paused = awaitStatus("pausing", "paused-1", "paused");

    assertThat(paused.get("error").get("name").asText()).isEqualTo("IllegalStateException");
    assertThat(paused.get("error").get("message").asText()).contains("attempt 3");
    assertThat(paused.get("end").isNull()).isTrue();
    assertThat(paused.get("rollback").isNull()).isTrue();
    JsonNode flaky = step(paused, "flaky-1");
    assertThat(flaky.get("attempts")).hasSize(3);
    assertThat(flaky.get("success").isNull()).isTrue();
    assertThat(server().effects("paused-1"))
        .containsExactly("do charge-1 #1", "do flaky-1 #1", "do flaky-1 #2", "do flaky-1 #3");
  }

  @Test
  void resumeRunsTheStepAgainWithAFreshBudgetUntilTheInstanceCompletes() {
    create("pausing", "resumed", "");
    awaitStatus("pausing", "resumed", "paused");

    assertThat(patch("pausing", "resumed", "{\"status\":\"resume\"}")).isEqualTo("queued");
    JsonNode complete = awaitStatus("pausing", "resumed", "complete");

    assertThat(complete.get("error").isNull()).isTrue();
    assertThat(complete.get("success").asBoolean()).isTrue();
    JsonNode flaky = step(complete, "flaky-1");
    assertThat(flaky.get("attempts")).hasSize(5);
    assertThat(flaky.get("success").asBoolean()).isTrue();
    // attempt 4 is the first of the fresh budget; it fails, and its first retry succeeds
    assertThat(server().effects("resumed"))
        .containsExactly(
            "do charge-1 #1",
            "do flaky-1 #1",
            "do flaky-1 #2",
            "do flaky-1 #3",
            "do flaky-1 #4",
            "do flaky-1 #5");
  }

  @Test
  void theInstanceOwnOnFailureWinsOverItsVersions() {
    create("erroring", "own-pause", ",\"on_failure\":\"pause\"");
    create("pausing", "own-error", ",\"on_failure\":\"error\"");

    awaitStatus("erroring", "own-pause", "paused");
    JsonNode errored = awaitStatus("pausing", "own-error", "errored");

    assertThat(errored.get("rollback").get("outcome").asText()).isEqualTo("complete");
    assertThat(server().effects("own-error"))
        .endsWith("rollback flaky-1 #1", "rollback charge-1 #1");
    assertThat(server().effects("own-pause")).noneMatch(e -> e.startsWith("rollback"));
  }

  @Test
  void theDefaultIsCloudflaresErrorWithCompensation() {
    create("erroring", "default-error", "");

    JsonNode errored = awaitStatus("erroring", "default-error", "errored");

    assertThat(errored.get("error").get("message").asText()).contains("attempt 3");
    assertThat(server().effects("default-error"))
        .containsExactly(
            "do charge-1 #1",
            "do flaky-1 #1",
            "do flaky-1 #2",
            "do flaky-1 #3",
            "rollback flaky-1 #1",
            "rollback charge-1 #1");
  }

  @Test
  void terminateWithRollbackOfAPausedInstanceCompensatesEveryStartedStep() {
    create("pausing", "given-up", "");
    awaitStatus("pausing", "given-up", "paused");

    patch("pausing", "given-up", "{\"status\":\"terminate\",\"rollback\":true}");
    JsonNode terminated = awaitStatus("pausing", "given-up", "terminated");

    assertThat(terminated.get("rollback").get("outcome").asText()).isEqualTo("complete");
    assertThat(server().effects("given-up"))
        .endsWith("do flaky-1 #3", "rollback flaky-1 #1", "rollback charge-1 #1");
  }

  @Test
  void restartOfAPausedInstanceRunsItAgainFromTheStart() {
    create("pausing", "again", "");
    awaitStatus("pausing", "again", "paused");

    assertThat(patch("pausing", "again", "{\"status\":\"restart\"}")).isEqualTo("queued");
    await().atMost(Duration.ofSeconds(20)).until(() -> server().effects("again").size() == 8);
    JsonNode pausedAgain = awaitStatus("pausing", "again", "paused");

    // the restart wiped the steps, so the attempts count from 1 again and fail as before
    assertThat(step(pausedAgain, "flaky-1").get("attempts")).hasSize(3);
    List<String> effects = server().effects("again");
    assertThat(effects.subList(4, 8)).isEqualTo(effects.subList(0, 4));
    assertThat(effects).noneMatch(e -> e.startsWith("rollback"));
  }

  @Test
  void putWorkflowRefusesAnUnknownOnFailureWithTheContractsError() {
    ApiResponse refused =
        api.put(
            ACCOUNT + "bad",
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"on_failure\":\"ignore\"}");

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo(10002);
  }
}
