package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real server with its data in PostgreSQL (a private server with fsync on), driven over HTTP:
 * instances are created, run their steps (with a retry, a sleep and an event wait) to completion,
 * and are paused and resumed while a step runs. The effect log proves which attempts ran.
 */
class PostgresEndToEndIT {
  @RegisterExtension static final TestServer server = TestServer.onPostgres();
  private static final String WF = "/client/v4/accounts/pg/workflows/scripted";
  private static ApiClient api;

  @BeforeAll
  static void createWorkflow() {
    api = server.client();
    assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"pg\"}").status())
        .isEqualTo(200);
  }

  private static void create(String id, String stepsJson) {
    ApiResponse created =
        api.post(
            WF + "/instances",
            "{\"instance_id\":\"" + id + "\",\"params\":{\"steps\":" + stepsJson + "}}");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.result().get("status").asText()).isEqualTo("queued");
  }

  private static JsonNode instance(String id) {
    return api.get(WF + "/instances/" + id).result();
  }

  private static void awaitStatus(String id, String expected) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> instance(id).get("status").asText().equals(expected));
  }

  private static String patch(String id, String action) {
    ApiResponse response =
        api.patch(WF + "/instances/" + id + "/status", "{\"status\":\"" + action + "\"}");
    assertThat(response.status()).isEqualTo(200);
    return response.result().get("status").asText();
  }

  @Test
  void anInstanceRunsItsStepsToCompletion() {
    create(
        "order-1",
        """
        [{"do":"reserve"},
         {"do":"charge","fail":1,"retries":{"limit":2,"delay":10,"backoff":"constant"}},
         {"sleep":"cool-off","ms":200},
         {"waitForEvent":"approval","type":"approved","timeout_ms":60000},
         {"do":"ship","output":{"tracking":"T-1"}}]""");
    awaitStatus("order-1", "waiting");
    assertThat(api.post(WF + "/instances/order-1/events/approved", "{\"by\":\"ann\"}").status())
        .isEqualTo(200);
    awaitStatus("order-1", "complete");

    JsonNode done = instance("order-1");
    assertThat(done.get("output").get("ship-1").get("tracking").asText()).isEqualTo("T-1");
    assertThat(done.get("output").get("approval-1").get("payload").get("by").asText())
        .isEqualTo("ann");
    List<String> steps = new ArrayList<>();
    done.get("steps").forEach(step -> steps.add(step.path("name").asText("")));
    assertThat(steps)
        .containsExactly("reserve-1", "charge-1", "cool-off-1", "approval-1", "ship-1");
    assertThat(server.effects("order-1"))
        .containsExactly("do reserve-1 #1", "do charge-1 #1", "do charge-1 #2", "do ship-1 #1");
    assertThat(server.dataDir().resolve("stepflow.db")).as("no SQLite file").doesNotExist();
  }

  @Test
  void anInstancePausedWhileAStepRunsFinishesThatStepAndResumesWithTheNext() {
    create("order-2", "[{\"do\":\"pack\",\"ms\":1500},{\"do\":\"ship\"}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.effects("order-2").contains("do pack-1 #1"));

    assertThat(patch("order-2", "pause")).isEqualTo("waitingForPause");
    awaitStatus("order-2", "paused");
    assertThat(server.effects("order-2")).containsExactly("do pack-1 #1");
    assertThat(instance("order-2").get("steps").get(0).get("success").asBoolean()).isTrue();

    assertThat(patch("order-2", "resume")).isEqualTo("queued");
    awaitStatus("order-2", "complete");
    assertThat(server.effects("order-2")).containsExactly("do pack-1 #1", "do ship-1 #1");
  }
}
