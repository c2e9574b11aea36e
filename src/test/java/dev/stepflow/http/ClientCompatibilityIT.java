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
 * What Cloudflare's clients need beyond the basics, found by the conformance suite
 * (scripts/conformance): memberships for wrangler's account choice, the version graph of the SDK,
 * retention in milliseconds, the SDK's location hints, step log entries that keep their null
 * members (wrangler reads {@code success: null} as "running") and single attempts of a step.
 */
class ClientCompatibilityIT {
  @RegisterExtension static final TestServer server = new TestServer();
  private static final String ACCOUNT = "/client/v4/accounts/compat";
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

  private static JsonNode awaitStatus(String instance, String status) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> api.get(instance).result(), r -> r.get("status").asText().equals(status));
  }

  @Test
  void membershipsListOneAcceptedMembershipPerAccount() {
    workflow("member");
    ApiResponse memberships = api.get("/client/v4/memberships?page=1");
    assertThat(memberships.status()).isEqualTo(200);
    JsonNode mine = null;
    for (JsonNode m : memberships.result()) {
      if (m.get("account").get("id").asText().equals("compat")) {
        mine = m;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.get("status").asText()).isEqualTo("accepted");
    assertThat(mine.get("roles").isArray()).isTrue();
  }

  @Test
  void versionGraphIsTheVersionWithANullGraph() {
    String wf = workflow("graphed");
    String version = api.get(wf + "/versions").result().get(0).get("id").asText();
    JsonNode graph = api.get(wf + "/versions/" + version + "/graph").result();
    assertThat(graph.get("id").asText()).isEqualTo(version);
    assertThat(graph.get("class_name").asText()).isEqualTo("Scripted");
    assertThat(graph.has("graph")).isTrue();
    assertThat(graph.get("graph").isNull()).isTrue();
    ApiResponse unknown = api.get(wf + "/versions/00000000-0000-4000-8000-000000000000/graph");
    assertThat(unknown.status()).isEqualTo(404);
  }

  @Test
  void retentionGivenAsTextIsAnsweredInMilliseconds() {
    String wf = ACCOUNT + "/workflows/retained";
    ApiResponse put =
        api.put(
            wf,
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"default_retention\":"
                + "{\"error_retention\":\"7 days\",\"success_retention\":3600000}}");
    assertThat(put.status()).isEqualTo(200);
    JsonNode retention = api.get(wf + "/versions").result().get(0).get("default_retention");
    assertThat(retention.get("error_retention").asLong()).isEqualTo(7 * 86_400_000L);
    assertThat(retention.get("success_retention").asLong()).isEqualTo(3_600_000L);
  }

  @Test
  void retentionThatIsNeitherMillisecondsNorADurationIsRefused() {
    ApiResponse put =
        api.put(
            ACCOUNT + "/workflows/badly-retained",
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"default_retention\":"
                + "{\"error_retention\":\"a while\"}}");
    assertThat(put.status()).isEqualTo(400);
    assertThat(put.body().get("messages").get(0).asText())
        .contains("default_retention.error_retention");
    String wf = workflow("instance-retention");
    ApiResponse create =
        api.post(wf + "/instances", "{\"instance_retention\":{\"success_retention\":-1}}");
    assertThat(create.status()).isEqualTo(400);
  }

  @Test
  void everyLocationHintOfTheSdkIsAccepted() {
    String wf = workflow("hinted");
    for (String hint :
        new String[] {
          "wnam", "weur", "enam", "eeur", "apac", "apac-ne", "apac-se", "oc", "sam", "afr", "me"
        }) {
      assertThat(api.post(wf + "/instances", "{\"location_hint\":\"" + hint + "\"}").status())
          .as(hint)
          .isEqualTo(200);
    }
  }

  @Test
  void aRunningStepKeepsItsNullMembersAndShowsItsAttemptInFlight() {
    String wf = workflow("running");
    api.post(
        wf + "/instances",
        "{\"instance_id\":\"r1\",\"params\":{\"steps\":[{\"do\":\"work\",\"ms\":60000}]}}");
    JsonNode running = awaitStatus(wf + "/instances/r1", "running");
    JsonNode step = running.get("steps").get(0);
    assertThat(step.get("type").asText()).isEqualTo("step");
    assertThat(step.has("success") && step.get("success").isNull()).isTrue();
    assertThat(step.has("end") && step.get("end").isNull()).isTrue();
    assertThat(step.has("output") && step.get("output").isNull()).isTrue();
    assertThat(step.get("attempts")).hasSize(1);
    JsonNode inFlight = step.get("attempts").get(0);
    assertThat(inFlight.get("start").asText()).isEqualTo(step.get("start").asText());
    assertThat(inFlight.get("success").isNull()).isTrue();
    assertThat(inFlight.get("end").isNull()).isTrue();

    api.patch(wf + "/instances/r1/status", "{\"status\":\"terminate\"}");
    JsonNode terminated = awaitStatus(wf + "/instances/r1", "terminated");
    JsonNode termination = terminated.get("steps").get(terminated.get("steps").size() - 1);
    assertThat(termination.get("type").asText()).isEqualTo("termination");
    assertThat(termination.get("trigger").get("source").asText()).isEqualTo("api");
    assertThat(termination.has("attempts")).isFalse();
  }

  @Test
  void aStepAttemptIsReportedOnItsOwn() {
    String wf = workflow("attempts");
    api.post(
        wf + "/instances",
        "{\"instance_id\":\"a1\",\"params\":{\"steps\":[{\"do\":\"flaky\",\"fail\":1,"
            + "\"retries\":{\"limit\":2,\"delay\":10,\"backoff\":\"constant\"},"
            + "\"output\":{\"ok\":true}}]}}");
    awaitStatus(wf + "/instances/a1", "complete");
    String step = wf + "/instances/a1/step?name=flaky-1&type=step";
    JsonNode first = api.get(step + "&attempt=1").result();
    assertThat(first.get("status").asText()).isEqualTo("errored");
    assertThat(first.get("error").get("message").asText()).contains("scripted failure");
    assertThat(first.get("output") == null || first.get("output").isNull()).isTrue();
    JsonNode second = api.get(step + "&attempt=2").result();
    assertThat(second.get("status").asText()).isEqualTo("complete");
    assertThat(second.get("output").get("ok").asBoolean()).isTrue();
    ApiResponse third = api.get(step + "&attempt=3");
    assertThat(third.status()).isEqualTo(404);
    assertThat(third.body().get("errors").get(0).get("code").asInt()).isEqualTo(10407);
  }
}
