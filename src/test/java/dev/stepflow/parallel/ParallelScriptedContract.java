package dev.stepflow.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Parallel steps through HTTP, for each store: the built-in Scripted workflow's {@code {"parallel":
 * [...]}} element runs its do steps as the branches of one step.all. The effect log proves which
 * attempts ran.
 */
abstract class ParallelScriptedContract {
  static final String WF = "/client/v4/accounts/par/workflows/fan";

  abstract TestServer server();

  private ApiClient api;

  @BeforeEach
  void bindWorkflow() {
    api = server().client();
    assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
  }

  private static String branches(int count, int ms) {
    List<String> branches = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      branches.add("{\"do\":\"b" + i + "\",\"ms\":" + ms + "}");
    }
    return "{\"parallel\":[" + String.join(",", branches) + "]}";
  }

  private void create(String id, String steps) {
    ApiResponse created =
        api.post(
            WF + "/instances",
            "{\"instance_id\":\"" + id + "\",\"params\":{\"steps\":" + steps + "}}");
    assertThat(created.status()).isEqualTo(200);
  }

  private JsonNode instance(String id) {
    return api.get(WF + "/instances/" + id).result();
  }

  private JsonNode awaitStatus(String id, String expected) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> instance(id).get("status").asText().equals(expected));
    return instance(id);
  }

  @Test
  void tenOneSecondBranchesCompleteInUnderTwoSeconds() {
    long started = System.nanoTime();
    create("ten", "[" + branches(10, 1000) + "]");

    JsonNode complete = awaitStatus("ten", "complete");

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).isLessThan(Duration.ofSeconds(2));
    for (int i = 0; i < 10; i++) {
      assertThat(complete.get("output").has("b" + i + "-1")).isTrue();
    }
    assertThat(server().effects("ten")).hasSize(10);
  }

  @Test
  void aPauseMidFanOutWaitsForTheBranchesInFlightThenPausesAndResumeRunsNoBranchAgain() {
    create("paused", "[" + branches(4, 1500) + ",{\"do\":\"after\"}]");
    await().atMost(Duration.ofSeconds(10)).until(() -> server().effects("paused").size() == 4);

    ApiResponse pause = api.patch(WF + "/instances/paused/status", "{\"status\":\"pause\"}");
    assertThat(pause.result().get("status").asText()).isEqualTo("waitingForPause");
    awaitStatus("paused", "paused");

    assertThat(server().effects("paused")).hasSize(4).noneMatch(e -> e.contains("after"));
    api.patch(WF + "/instances/paused/status", "{\"status\":\"resume\"}");
    awaitStatus("paused", "complete");
    // the branches ran at once (in any order), each once; only "after" ran on resume
    List<String> effects = server().effects("paused");
    assertThat(effects.subList(0, 4))
        .containsExactlyInAnyOrder("do b0-1 #1", "do b1-1 #1", "do b2-1 #1", "do b3-1 #1");
    assertThat(effects.subList(4, effects.size())).containsExactly("do after-1 #1");
  }

  @Test
  void aFailedBranchCompensatesTheStartedBranchesInReverseStartOrder() {
    create(
        "failed",
        """
        [{"parallel": [{"do": "a", "ms": 50, "rollback": {}},
                       {"do": "b", "fail": true, "nonRetryable": true, "rollback": {}},
                       {"do": "c", "ms": 50, "rollback": {}}]}]""");

    JsonNode errored = awaitStatus("failed", "errored");

    assertThat(errored.get("rollback").get("outcome").asText()).isEqualTo("complete");
    assertThat(server().effects("failed").stream().filter(e -> e.startsWith("rollback")))
        .containsExactly("rollback c-1 #1", "rollback b-1 #1", "rollback a-1 #1");
  }
}
