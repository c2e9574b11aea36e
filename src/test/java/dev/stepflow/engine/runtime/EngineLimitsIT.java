package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Limits of DESIGN.md section 4: step results and workflow outputs of 1 MiB, steps per instance,
 * step name length; and Scripted's own bound on output_bytes.
 */
class EngineLimitsIT {
  @RegisterExtension static final TestServer server = new TestServer();
  private static final String ACCOUNT = "/client/v4/accounts/limits";
  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    api = server.client();
    api.put(ACCOUNT + "/workflows/open", "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
    api.put(
        ACCOUNT + "/workflows/two-steps",
        "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"limits\":{\"steps\":2}}");
  }

  private static JsonNode runToEnd(String workflow, String id, String steps) {
    String wf = ACCOUNT + "/workflows/" + workflow;
    api.post(
        wf + "/instances", "{\"instance_id\":\"" + id + "\",\"params\":{\"steps\":" + steps + "}}");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              String status = api.get(wf + "/instances/" + id).result().get("status").asText();
              return status.equals("complete") || status.equals("errored");
            });
    return api.get(wf + "/instances/" + id).result();
  }

  @Test
  void aStepResultOverOneMebibyteFailsTheStepWithoutRetries() {
    JsonNode result = runToEnd("open", "big", "[{\"do\":\"huge\",\"output_bytes\":1100000}]");
    assertThat(result.get("status").asText()).isEqualTo("errored");
    assertThat(result.get("error").get("name").asText()).isEqualTo("StepResultTooLarge");
    assertThat(server.effects("big")).containsExactly("do huge-1 #1");
  }

  @Test
  void aStepResultJustUnderTheLimitIsRecorded() {
    JsonNode result = runToEnd("open", "fits", "[{\"do\":\"large\",\"output_bytes\":1000000}]");
    assertThat(result.get("status").asText()).isEqualTo("complete");
    String blob =
        api.get(ACCOUNT + "/workflows/open/instances/fits/step?name=large-1&type=step")
            .result()
            .get("output")
            .get("blob")
            .asText();
    assertThat(blob).hasSize(1_000_000);
  }

  @Test
  void scriptedRefusesAnOutputBytesBeyondItsBoundBeforeTheStepRuns() {
    JsonNode result =
        runToEnd("open", "alloc", "[{\"do\":\"a\"},{\"do\":\"huge\",\"output_bytes\":2000000000}]");
    assertThat(result.get("status").asText()).isEqualTo("errored");
    assertThat(result.get("error").get("message").asText())
        .isEqualTo(
            "Scripted: output_bytes must be a whole number from 0 to 2097152 (twice the step"
                + " result limit of 1048576 bytes); found 2000000000.");
    assertThat(server.effects("alloc")).containsExactly("do a-1 #1");
  }

  @Test
  void aWorkflowOutputOverOneMebibyteFailsTheInstance() {
    JsonNode result =
        runToEnd(
            "open",
            "big-output",
            "[{\"do\":\"a\",\"output_bytes\":600000},{\"do\":\"b\",\"output_bytes\":600000}]");
    assertThat(result.get("status").asText()).isEqualTo("errored");
    assertThat(result.get("error").get("name").asText()).isEqualTo("WorkflowOutputTooLarge");
    assertThat(result.get("output").isNull()).isTrue();
    assertThat(server.effects("big-output")).containsExactly("do a-1 #1", "do b-1 #1");
  }

  @Test
  void theWorkflowsStepLimitStopsTheInstance() {
    JsonNode result =
        runToEnd(
            "two-steps",
            "many",
            "[{\"do\":\"a\"},{\"do\":\"b\"},{\"sleep\":\"s\",\"ms\":1}," + "{\"do\":\"c\"}]");
    assertThat(result.get("status").asText()).isEqualTo("errored");
    assertThat(result.get("error").get("message").asText()).contains("limit of 2 steps");
    assertThat(server.effects("many")).containsExactly("do a-1 #1", "do b-1 #1");
  }

  @Test
  void aStepNameOver256CharactersFailsTheInstance() {
    String name = "n".repeat(257);
    JsonNode result = runToEnd("open", "long-name", "[{\"do\":\"" + name + "\"}]");
    assertThat(result.get("status").asText()).isEqualTo("errored");
    assertThat(result.get("error").get("message").asText()).contains("1 to 256 characters");
    assertThat(server.effects("long-name")).isEmpty();
  }
}
