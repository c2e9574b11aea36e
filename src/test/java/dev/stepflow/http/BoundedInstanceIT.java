package dev.stepflow.http;

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
 * GET instance stays small whatever the instance holds: outputs longer than 1,024 characters of
 * JSON are cut and marked {@code [truncated output]} (GET .../step returns them whole), and a
 * step's attempt log keeps its first 5 and last 20 attempts with the number it made.
 */
class BoundedInstanceIT {
  @RegisterExtension static final TestServer server = new TestServer();
  private static final String WF = "/client/v4/accounts/bounded/workflows/scripted";
  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    api = server.client();
    api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
  }

  private static JsonNode runToEnd(String id, String steps) {
    api.post(
        WF + "/instances", "{\"instance_id\":\"" + id + "\",\"params\":{\"steps\":" + steps + "}}");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              String status = api.get(WF + "/instances/" + id).result().get("status").asText();
              return status.equals("complete") || status.equals("errored");
            });
    return api.get(WF + "/instances/" + id).result();
  }

  private static JsonNode entry(JsonNode instance, String name) {
    for (JsonNode step : instance.get("steps")) {
      if (step.path("name").asText().equals(name)) {
        return step;
      }
    }
    throw new AssertionError("no step " + name + " in " + instance.get("steps"));
  }

  /** {"blob":"xxx"} is 11 characters of JSON around its blob. */
  private static String blobSteps(int... sizes) {
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      steps.add("{\"do\":\"s" + i + "\",\"output_bytes\":" + sizes[i] + "}");
    }
    return steps.toString();
  }

  @Test
  void getInstanceCutsAnOutputLongerThan1024CharactersAndMarksIt() {
    JsonNode instance = runToEnd("cut", blobSteps(5_000));
    JsonNode output = entry(instance, "s0-1").get("output");
    assertThat(output.isTextual()).isTrue();
    assertThat(output.asText())
        .hasSize(1024 + "[truncated output]".length())
        .startsWith("{\"blob\":\"xxxx")
        .endsWith("xxxx[truncated output]");
  }

  @Test
  void theStepEndpointReturnsTheWholeOutput() {
    runToEnd("whole", blobSteps(5_000));
    JsonNode step = api.get(WF + "/instances/whole/step?name=s0-1&type=step").result();
    assertThat(step.get("output").get("blob").asText()).hasSize(5_000);
  }

  @Test
  void anOutputOfExactly1024CharactersIsShownWholeAndOneMoreIsCut() {
    JsonNode instance = runToEnd("edge", blobSteps(1_013, 1_014));
    assertThat(entry(instance, "s0-1").get("output").get("blob").asText()).hasSize(1_013);
    assertThat(entry(instance, "s1-1").get("output").asText())
        .hasSize(1024 + "[truncated output]".length());
  }

  @Test
  void aReceivedEventIsCutLikeAStepOutput() {
    String wf = WF + "/instances/event";
    api.post(
        WF + "/instances",
        "{\"instance_id\":\"event\",\"params\":{\"steps\":[{\"waitForEvent\":\"w\",\"type\":\"go\"}]}}");
    assertThat(api.post(wf + "/events/go", "{\"note\":\"" + "n".repeat(3_000) + "\"}").status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> api.get(wf).result().get("status").asText().equals("complete"));
    assertThat(entry(api.get(wf).result(), "w-1").get("output").asText())
        .startsWith("{\"type\":\"go\",\"payload\":{\"note\":\"nnn")
        .endsWith("[truncated output]");
    assertThat(
            api.get(wf + "/step?name=w-1&type=waitForEvent")
                .result()
                .get("output")
                .get("payload")
                .get("note")
                .asText())
        .hasSize(3_000);
  }

  /** 40 failures, then success: 41 attempts, of which the log keeps 1-5 and 22-41. */
  private static JsonNode retriedStep(String id) {
    JsonNode instance =
        runToEnd(
            id,
            "[{\"do\":\"flaky\",\"fail\":40,\"retries\":{\"limit\":50,\"delay\":0,"
                + "\"backoff\":\"constant\"}}]");
    assertThat(instance.get("status").asText()).isEqualTo("complete");
    return entry(instance, "flaky-1");
  }

  @Test
  void theAttemptLogKeepsTheFirstAndLastAttemptsWithTheirCount() {
    JsonNode step = retriedStep("retried");
    List<Integer> numbers = new ArrayList<>();
    step.get("attempts").forEach(a -> numbers.add(a.get("attempt").asInt()));
    List<Integer> expected = new ArrayList<>(List.of(1, 2, 3, 4, 5));
    for (int n = 22; n <= 41; n++) {
      expected.add(n);
    }
    assertThat(numbers).isEqualTo(expected);
    assertThat(step.get("attempt_count").asInt()).isEqualTo(41);
    JsonNode last = step.get("attempts").get(24);
    assertThat(last.get("success").asBoolean()).isTrue();
    assertThat(step.get("attempts").get(5).get("error").get("message").asText())
        .isEqualTo("scripted failure of flaky (attempt 22)");
  }

  @Test
  void theStepEndpointFindsKeptAttemptsByNumberAndExplainsALeftOutOne() {
    retriedStep("by-number");
    String step = WF + "/instances/by-number/step?name=flaky-1&type=step&attempt=";
    assertThat(api.get(step + "3").result().get("error").get("message").asText())
        .isEqualTo("scripted failure of flaky (attempt 3)");
    assertThat(api.get(step + "41").result().get("status").asText()).isEqualTo("complete");
    ApiResponse leftOut = api.get(step + "10");
    assertThat(leftOut.status()).isEqualTo(404);
    assertThat(leftOut.errorCode()).isEqualTo(10407);
    assertThat(leftOut.body().get("messages").toString())
        .contains("Attempt 10 of step 'flaky-1'")
        .contains("is not kept: of its 41 attempts the log keeps the first 5 and the last 20");
    ApiResponse beyond = api.get(step + "42");
    assertThat(beyond.status()).isEqualTo(404);
    assertThat(beyond.body().get("messages").toString())
        .contains("has 41 attempt(s) so far; there is no attempt 42");
  }

  @Test
  void aStepWithFewAttemptsListsThemAll() {
    JsonNode instance =
        runToEnd(
            "few",
            "[{\"do\":\"twice\",\"fail\":1,\"retries\":{\"limit\":3,\"delay\":0,"
                + "\"backoff\":\"constant\"}}]");
    JsonNode step = entry(instance, "twice-1");
    assertThat(step.get("attempts")).hasSize(2);
    assertThat(step.get("attempts").get(0).get("attempt").asInt()).isEqualTo(1);
    assertThat(step.get("attempt_count").asInt()).isEqualTo(2);
  }
}
