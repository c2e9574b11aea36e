package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DELETE against the transition table's deletion rule, on a server whose engine runs instances: an
 * instance that is rollingBack is kept (409, 10408) and its rollback handlers finish; a batch
 * delete reports it per item; its workflow cannot be deleted meanwhile.
 */
class InstanceDeletionIT {
  @RegisterExtension static final TestServer server = new TestServer();
  private static final String ACCOUNT = "/client/v4/accounts/deletes";

  /** One step with a slow rollback handler, then a long sleep to terminate it in. */
  private static final String SLOW_ROLLBACK =
      """
      {"steps": [{"do": "charge", "ms": 10, "rollback": {"ms": 6000}}, {"sleep": "rest", "ms": 600000}]}""";

  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    api = server.client();
  }

  private static String workflow(String name) {
    String path = ACCOUNT + "/workflows/" + name;
    assertThat(api.put(path, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
    return path;
  }

  /** Creates an instance, waits for its sleep and terminates it with rollback. */
  private static void startRollingBack(String wf, String id) {
    api.post(
        wf + "/instances", "{\"instance_id\":\"" + id + "\",\"params\":" + SLOW_ROLLBACK + "}");
    awaitStatus(wf, id, "waiting");
    ApiResponse terminated =
        api.patch(
            wf + "/instances/" + id + "/status", "{\"status\":\"terminate\",\"rollback\":true}");
    assertThat(terminated.result().get("status").asText()).isEqualTo("rollingBack");
  }

  private static JsonNode awaitStatus(String wf, String id, String status) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> api.get(wf + "/instances/" + id).result(),
            r -> r.get("status").asText().equals(status));
  }

  @Test
  void deleteWhileRollingBackIsAConflictAndTheRollbackFinishes() {
    String wf = workflow("saga");
    startRollingBack(wf, "order-7");

    ApiResponse refused = api.delete(wf + "/instances/order-7");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo(10408);
    assertThat(refused.body().get("errors").get(0).get("message").asText())
        .isEqualTo("workflows.api.error.instance.cannot_delete");
    assertThat(refused.header("x-should-retry")).isEqualTo("false");
    assertThat(refused.body().get("messages").get(0).asText())
        .isEqualTo(
            "Cannot delete instance 'order-7': it is rollingBack, and deleting it now would stop"
                + " that work half-way. It becomes errored or terminated by itself; delete it"
                + " then.");

    JsonNode finished = awaitStatus(wf, "order-7", "terminated");
    assertThat(finished.get("rollback").get("outcome").asText()).isEqualTo("complete");
    assertThat(finished.get("steps").findValuesAsText("type")).contains("rollback");
    assertThat(api.delete(wf + "/instances/order-7").status()).isEqualTo(200);
    assertThat(api.get(wf + "/instances/order-7").status()).isEqualTo(404);
  }

  @Test
  void batchDeleteReportsARollingBackInstanceAsAnErrorAndDeletesTheOthers() {
    String wf = workflow("batch");
    api.post(wf + "/instances", "{\"instance_id\":\"plain\"}");
    startRollingBack(wf, "saga");

    ApiResponse batch =
        api.post(
            wf + "/instances/batch/delete",
            "{\"instances\":[\"saga\",\"plain\",\"ghost\",\"saga\"]}");
    assertThat(batch.status()).isEqualTo(200);
    assertThat(batch.result().get("deleted"))
        .extracting(d -> d.get("id").asText())
        .containsExactly("plain");
    assertThat(batch.result().get("errors"))
        .extracting(
            e ->
                e.get("id").asText()
                    + " "
                    + e.get("code").asInt()
                    + " "
                    + e.get("message").asText())
        .containsExactly(
            "saga 10408 workflows.api.error.instance.cannot_delete",
            "ghost 10400 workflows.api.error.instance.not_found",
            "saga 10408 workflows.api.error.instance.cannot_delete");

    JsonNode finished = awaitStatus(wf, "saga", "terminated");
    assertThat(finished.get("rollback").get("outcome").asText()).isEqualTo("complete");
  }

  @Test
  void aWorkflowIsNotDeletedWhileOneOfItsInstancesRollsBack() {
    String wf = workflow("doomed");
    api.post(wf + "/instances", "{\"instance_id\":\"bystander\"}");
    startRollingBack(wf, "saga");

    ApiResponse refused = api.delete(wf);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo(10408);
    assertThat(refused.header("x-should-retry")).isEqualTo("false");
    assertThat(refused.body().get("messages").get(0).asText())
        .startsWith("Cannot delete workflow 'doomed':")
        .contains("'saga' (rollingBack)", "errored or terminated");
    assertThat(api.get(wf).status()).isEqualTo(200);
    assertThat(api.get(wf + "/instances/bystander").status()).isEqualTo(200);

    JsonNode finished = awaitStatus(wf, "saga", "terminated");
    assertThat(finished.get("rollback").get("outcome").asText()).isEqualTo("complete");
    assertThat(api.delete(wf).status()).isEqualTo(200);
    assertThat(api.get(wf + "/instances/saga").status()).isEqualTo(404);
  }
}
