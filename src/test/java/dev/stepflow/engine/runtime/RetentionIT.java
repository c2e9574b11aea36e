package dev.stepflow.engine.runtime;

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

/** Finished instances are deleted when their retention runs out; unset retention keeps them. */
class RetentionIT {
  @RegisterExtension static final TestServer server = new TestServer();
  private static final String ACCOUNT = "/client/v4/accounts/retention";
  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    api = server.client();
    api.put(ACCOUNT + "/workflows/keep", "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
    api.put(
        ACCOUNT + "/workflows/short",
        "{\"class_name\":\"Scripted\",\"script_name\":\"s\","
            + "\"default_retention\":{\"error_retention\":\"1 second\",\"success_retention\":3600000}}");
  }

  private static int statusCode(String path) {
    return api.get(path).status();
  }

  @Test
  void anInstancesOwnSuccessRetentionDeletesItAfterItCompletes() {
    String wf = ACCOUNT + "/workflows/keep";
    api.post(
        wf + "/instances",
        "{\"instance_id\":\"brief\",\"instance_retention\":"
            + "{\"success_retention\":500},\"params\":{\"steps\":[{\"do\":\"a\"}]}}");
    api.post(
        wf + "/instances", "{\"instance_id\":\"kept\",\"params\":{\"steps\":[{\"do\":\"a\"}]}}");
    await().atMost(Duration.ofSeconds(15)).until(() -> statusCode(wf + "/instances/brief") == 404);
    assertThat(api.get(wf + "/instances/kept").result().get("status").asText())
        .isEqualTo("complete");
  }

  @Test
  void theVersionsDefaultErrorRetentionAppliesToFailedInstances() {
    String wf = ACCOUNT + "/workflows/short";
    api.post(
        wf + "/instances",
        "{\"instance_id\":\"fails\",\"params\":{\"steps\":"
            + "[{\"do\":\"x\",\"fail\":true,\"nonRetryable\":true}]}}");
    api.post(
        wf + "/instances", "{\"instance_id\":\"works\",\"params\":{\"steps\":[{\"do\":\"a\"}]}}");
    await().atMost(Duration.ofSeconds(15)).until(() -> statusCode(wf + "/instances/fails") == 404);
    assertThat(api.get(wf + "/instances/works").result().get("status").asText())
        .isEqualTo("complete");
    JsonNode retention = api.get(wf + "/versions").result().get(0).get("default_retention");
    assertThat(retention.get("error_retention").asLong()).isEqualTo(1000);
    assertThat(retention.get("success_retention").asLong()).isEqualTo(3_600_000);
  }

  @Test
  void aRetentionThatIsNotADurationIsRejected() {
    ApiResponse response =
        api.post(
            ACCOUNT + "/workflows/keep/instances",
            "{\"instance_retention\":{\"error_retention\":\"soon\"}}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body().get("messages").get(0).asText())
        .contains("instance_retention.error_retention");
  }
}
