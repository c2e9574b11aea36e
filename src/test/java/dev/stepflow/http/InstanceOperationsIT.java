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

/** Create (single and batch), params, events, delete, batch terminate and terminate-all. */
class InstanceOperationsIT {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue();
  private static final String ACCOUNT = "/client/v4/accounts/ops";
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

  @Test
  void createWithoutBodyGeneratesAUuid() {
    String wf = workflow("generated");
    ApiResponse created = api.send("POST", wf + "/instances", null, null);
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.result().get("id").asText())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(api.post(wf + "/instances", "{}").result().get("id").asText()).hasSize(36);
  }

  @Test
  void paramsAreStoredAsTheJsonTheClientMeant() {
    String wf = workflow("params");
    api.post(wf + "/instances", "{\"instance_id\":\"object\",\"params\":{\"a\":[1,2]}}");
    api.post(wf + "/instances", "{\"instance_id\":\"encoded\",\"params\":\"{\\\"a\\\":[1,2]}\"}");
    api.post(wf + "/instances", "{\"instance_id\":\"text\",\"params\":\"hello\"}");
    api.post(wf + "/instances", "{\"instance_id\":\"number\",\"params\":42}");
    JsonNode object = api.get(wf + "/instances/object").result().get("params");
    assertThat(object.toString()).isEqualTo("{\"a\":[1,2]}");
    assertThat(api.get(wf + "/instances/encoded").result().get("params")).isEqualTo(object);
    assertThat(api.get(wf + "/instances/text").result().get("params").asText()).isEqualTo("hello");
    assertThat(api.get(wf + "/instances/number").result().get("params").asInt()).isEqualTo(42);
  }

  @Test
  void getInstanceHasTheFullShapeBeforeItRuns() {
    String wf = workflow("shape");
    String version = api.get(wf + "/versions").result().get(0).get("id").asText();
    api.post(wf + "/instances", "{\"instance_id\":\"s1\",\"params\":{\"k\":\"v\"}}");
    JsonNode result = api.get(wf + "/instances/s1?simple=true&order=desc").result();
    assertThat(result.get("status").asText()).isEqualTo("queued");
    assertThat(result.get("versionId").asText()).isEqualTo(version);
    assertThat(result.get("trigger").get("source").asText()).isEqualTo("api");
    assertThat(result.get("start").isNull()).isTrue();
    assertThat(result.get("success").isNull()).isTrue();
    assertThat(result.get("steps").isArray()).isTrue();
    assertThat(result.get("step_count").asInt()).isZero();
  }

  @Test
  void batchCreateIsAllOrNothingWithAnErrorPerBadItem() {
    String wf = workflow("batch");
    api.post(wf + "/instances", "{\"instance_id\":\"taken\"}");
    ApiResponse rejected =
        api.post(
            wf + "/instances/batch",
            "[{\"instance_id\":\"b1\"},{\"instance_id\":\"b1\"},{\"instance_id\":\"cf_"
                + "0".repeat(64)
                + "\"}]");
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.body().get("errors"))
        .extracting(e -> e.get("code").asInt())
        .containsExactly(10415, 10002);
    assertThat(rejected.body().get("messages").get(0).asText()).contains("Item 1", "item 0");
    ApiResponse conflict =
        api.post(wf + "/instances/batch", "[{\"instance_id\":\"b2\"},{\"instance_id\":\"taken\"}]");
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.errorCode()).isEqualTo(10405);
    assertThat(conflict.header("x-should-retry")).isEqualTo("false");
    assertThat(api.get(wf + "/instances/b1").status()).isEqualTo(404);
    assertThat(api.get(wf + "/instances/b2").status()).isEqualTo(404);

    ApiResponse created =
        api.post(wf + "/instances/batch", "[{\"instance_id\":\"b1\"},{\"params\":\"{}\"}]");
    assertThat(created.result()).hasSize(2);
    assertThat(created.result().get(0).get("id").asText()).isEqualTo("b1");
  }

  @Test
  void eventsAreAcceptedByUnfinishedInstancesOnly() {
    String wf = workflow("events");
    api.post(wf + "/instances", "{\"instance_id\":\"e1\"}");
    ApiResponse sent = api.post(wf + "/instances/e1/events/approved", "{\"ok\":true}");
    assertThat(sent.status()).isEqualTo(200);
    assertThat(sent.result().get("event_type").asText()).isEqualTo("approved");
    api.patch(wf + "/instances/e1/status", "{\"status\":\"terminate\"}");
    ApiResponse refused = api.post(wf + "/instances/e1/events/approved", "{}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo(10406);
  }

  @Test
  void deleteRemovesTheInstanceAndBatchDeleteReportsPerPosition() {
    String wf = workflow("deletes");
    api.post(wf + "/instances/batch", "[{\"instance_id\":\"d1\"},{\"instance_id\":\"d2\"}]");
    ApiResponse deleted = api.delete(wf + "/instances/d1");
    assertThat(deleted.result().get("instanceId").asText()).isEqualTo("d1");
    assertThat(api.get(wf + "/instances/d1").status()).isEqualTo(404);

    ApiResponse batch =
        api.post(wf + "/instances/batch/delete", "{\"instances\":[\"d2\",\"d1\",\"d2\"]}");
    assertThat(batch.result().get("deleted"))
        .extracting(d -> d.get("id").asText())
        .containsExactly("d2", "d2");
    assertThat(batch.result().get("errors"))
        .extracting(e -> e.get("id").asText())
        .containsExactly("d1");
    assertThat(batch.result().get("errors").get(0).get("code").asInt()).isEqualTo(10400);
  }

  @Test
  void batchTerminateCountsOnlyTheInstancesItTerminated() {
    String wf = workflow("batchterm");
    api.post(
        wf + "/instances/batch",
        "[{\"instance_id\":\"t1\"},{\"instance_id\":\"t2\"},{\"instance_id\":\"t3\"}]");
    api.patch(wf + "/instances/t3/status", "{\"status\":\"terminate\"}");
    ApiResponse response =
        api.post(wf + "/instances/batch/terminate", "[\"t1\",\"t2\",\"t3\",\"ghost\",\"t1\"]");
    assertThat(response.result().get("instancesTerminated").asInt()).isEqualTo(2);
    assertThat(api.get(wf + "/instances/t2").result().get("status").asText())
        .isEqualTo("terminated");
  }

  @Test
  void terminateAllTerminatesEveryUnfinishedInstanceInTheBackground() {
    String wf = workflow("termall");
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 60; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"instance_id\":\"x").append(i).append("\"}");
    }
    api.post(wf + "/instances/batch", batch + "]");
    api.patch(wf + "/instances/x1/status", "{\"status\":\"pause\"}");
    ApiResponse onlyPaused = api.put(wf + "/instances/terminate?status=paused", null);
    assertThat(onlyPaused.result().get("status").asText()).isIn("ok", "already_running");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(api.get(wf + "/instances/x1").result().get("status").asText())
                    .isEqualTo("terminated"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.get(wf + "/instances/terminate")
                    .result()
                    .get("status")
                    .asText()
                    .equals("not_running"));
    assertThat(api.get(wf + "/instances/x2").result().get("status").asText()).isEqualTo("queued");

    assertThat(api.put(wf + "/instances/terminate", null).result().get("status").asText())
        .isEqualTo("ok");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        api.get(wf + "/instances?status=terminated")
                            .body()
                            .get("result_info")
                            .get("total_count")
                            .asInt())
                    .isEqualTo(60));
  }

  @Test
  void deletingAWorkflowDeletesItsInstances() {
    String wf = workflow("doomed");
    api.post(wf + "/instances", "{\"instance_id\":\"gone\"}");
    assertThat(api.delete(wf).result().get("status").asText()).isEqualTo("ok");
    assertThat(api.get(wf).status()).isEqualTo(404);
    workflow("doomed");
    assertThat(api.get(wf + "/instances/gone").status()).isEqualTo(404);
  }
}
