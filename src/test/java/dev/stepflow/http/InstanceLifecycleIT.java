package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The acceptance scenario of the seed endpoint, through HTTP on a real port and a real SQLite file.
 */
class InstanceLifecycleIT {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue();
  private static final String WF = "/client/v4/accounts/acc1/workflows/orders";
  private static ApiClient api;

  @BeforeAll
  static void createWorkflow() {
    api = server.client();
    assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"demo\"}").status())
        .isEqualTo(200);
  }

  private static ApiResponse patch(String id, String body) {
    return api.patch(WF + "/instances/" + id + "/status", body);
  }

  @Test
  void pauseResumeTerminateRestartFollowTheTable() {
    ApiResponse created = api.post(WF + "/instances", "{\"instance_id\":\"order-7\"}");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.result().get("status").asText()).isEqualTo("queued");

    assertThat(patch("order-7", "{\"status\":\"pause\"}").result().get("status").asText())
        .isEqualTo("paused");
    assertThat(patch("order-7", "{\"status\":\"resume\"}").result().get("status").asText())
        .isEqualTo("queued");
    assertThat(patch("order-7", "{\"status\":\"terminate\"}").result().get("status").asText())
        .isEqualTo("terminated");

    ApiResponse again = patch("order-7", "{\"status\":\"terminate\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo(10401);
    assertThat(again.header("x-should-retry")).isEqualTo("false");
    assertThat(again.body().get("messages").get(0).asText())
        .contains("order-7", "terminated", "restart");

    ApiResponse restarted = patch("order-7", "{\"status\":\"restart\"}");
    assertThat(restarted.result().get("status").asText()).isEqualTo("queued");
    assertThat(api.get(WF + "/instances/order-7").result().get("status").asText())
        .isEqualTo("queued");
  }

  @Test
  void statusChangeAnswersTheTimeOfTheChangeInUtcWithMilliseconds() {
    api.post(WF + "/instances", "{\"instance_id\":\"timed\"}");
    String timestamp = patch("timed", "{\"status\":\"pause\"}").result().get("timestamp").asText();
    assertThat(timestamp).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
  }

  @Test
  void pauseOfAPausedInstanceIsANoOpThatKeepsTheTimeOfTheChange() {
    api.post(WF + "/instances", "{\"instance_id\":\"twice\"}");
    ApiResponse first = patch("twice", "{\"status\":\"pause\"}");
    ApiResponse second = patch("twice", "{\"status\":\"pause\"}");
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.result().get("status").asText()).isEqualTo("paused");
    assertThat(second.result().get("timestamp")).isEqualTo(first.result().get("timestamp"));
  }

  @Test
  void resumeOfAQueuedInstanceIsRejectedWithTheAllowedActions() {
    api.post(WF + "/instances", "{\"instance_id\":\"fresh\"}");
    ApiResponse response = patch("fresh", "{\"status\":\"resume\"}");
    assertThat(response.status()).isEqualTo(409);
    assertThat(response.errorCode()).isEqualTo(10403);
    assertThat(response.header("x-should-retry")).isEqualTo("false");
    assertThat(response.body().get("messages").get(0).asText())
        .contains("Allowed actions: pause, terminate, terminate+rollback, restart");
  }

  @Test
  void terminateWithRollbackOfAQueuedInstanceTerminatesIt() {
    api.post(WF + "/instances", "{\"instance_id\":\"never-ran\"}");
    ApiResponse response = patch("never-ran", "{\"status\":\"terminate\",\"rollback\":true}");
    assertThat(response.result().get("status").asText()).isEqualTo("terminated");
  }

  @Test
  void restartFromAStepThatNeverRanIsAConflictNamingTheStep() {
    api.post(WF + "/instances", "{\"instance_id\":\"no-steps\"}");
    ApiResponse response =
        patch("no-steps", "{\"status\":\"restart\",\"from\":{\"name\":\"charge\",\"count\":2}}");
    assertThat(response.status()).isEqualTo(409);
    assertThat(response.errorCode()).isEqualTo(10404);
    assertThat(response.body().get("messages").get(0).asText()).contains("charge", "occurrence 2");
  }

  @Test
  void unknownInstanceIsNotFound() {
    ApiResponse response = patch("nobody", "{\"status\":\"pause\"}");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.errorCode()).isEqualTo(10400);
  }

  @Test
  void instanceIdOf101CharactersIsRejected() {
    ApiResponse response = patch("a".repeat(101), "{\"status\":\"pause\"}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.errorCode()).isEqualTo(10002);
    assertThat(response.body().get("messages").get(0).asText()).contains("instance_id");
  }

  @Test
  void longSystemIdWithCronCharactersIsAcceptedAsAPathValue() {
    String cronId = "*/30 * * * *-1786001400000-" + "x".repeat(120);
    String encoded = URLEncoder.encode(cronId, StandardCharsets.UTF_8).replace("+", "%20");
    ApiResponse response = patch(encoded, "{\"status\":\"pause\"}");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.errorCode()).isEqualTo(10400);
  }
}
