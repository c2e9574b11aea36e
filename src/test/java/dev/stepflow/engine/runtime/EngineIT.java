package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine through HTTP on a real server: Scripted instances reach every status for real, and the
 * effect log written by the workflow proves which step attempts and handlers ran, and how often.
 */
class EngineIT {
  @RegisterExtension static final TestServer server = new TestServer();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WF = "/client/v4/accounts/engine/workflows/scripted";
  private static final AtomicInteger ids = new AtomicInteger();
  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    api = server.client();
    api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"tests\"}");
  }

  /** Creates an instance running the given Scripted steps; returns its id. */
  private static String start(String stepsJson) {
    String id = "e" + ids.incrementAndGet();
    ObjectNode body = JSON.createObjectNode().put("instance_id", id);
    try {
      body.putObject("params").set("steps", JSON.readTree(stepsJson));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    assertThat(api.post(WF + "/instances", body.toString()).status()).isEqualTo(200);
    return id;
  }

  private static JsonNode instance(String id) {
    return api.get(WF + "/instances/" + id).result();
  }

  private static String status(String id) {
    return instance(id).get("status").asText();
  }

  private static void awaitStatus(String id, String expected) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> status(id).equals(expected));
  }

  private static ApiResponse patch(String id, String body) {
    return api.patch(WF + "/instances/" + id + "/status", body);
  }

  private static List<String> steps(JsonNode instance, String type) {
    List<String> names = new ArrayList<>();
    for (JsonNode step : instance.get("steps")) {
      if (step.get("type").asText().equals(type)) {
        names.add(step.path("name").asText(""));
      }
    }
    return names;
  }

  @Test
  void runsStepsInOrderAndRecordsTheOutput() {
    String id = start("[{\"do\":\"a\"},{\"do\":\"b\",\"output\":{\"x\":1}},{\"do\":\"a\"}]");
    awaitStatus(id, "complete");
    JsonNode done = instance(id);
    assertThat(done.get("success").asBoolean()).isTrue();
    assertThat(done.get("output").get("b-1").get("x").asInt()).isEqualTo(1);
    assertThat(steps(done, "step")).containsExactly("a-1", "b-1", "a-2");
    assertThat(done.get("step_count").asInt()).isEqualTo(3);
    assertThat(done.get("start").isNull()).isFalse();
    assertThat(done.get("end").isNull()).isFalse();
    assertThat(server.effects(id)).containsExactly("do a-1 #1", "do b-1 #1", "do a-2 #1");
  }

  @Test
  void pauseWithAStepInFlightWaitsForThatStepAndStartsNoOther() {
    String id = start("[{\"do\":\"slow\",\"ms\":1500},{\"do\":\"next\"}]");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.effects(id).contains("do slow-1 #1"));
    ApiResponse paused = patch(id, "{\"status\":\"pause\"}");
    assertThat(paused.result().get("status").asText()).isEqualTo("waitingForPause");
    awaitStatus(id, "paused");
    assertThat(server.effects(id)).containsExactly("do slow-1 #1");
    JsonNode slow = instance(id).get("steps").get(0);
    assertThat(slow.get("success").asBoolean()).isTrue();

    assertThat(patch(id, "{\"status\":\"resume\"}").result().get("status").asText())
        .isEqualTo("queued");
    awaitStatus(id, "complete");
    assertThat(server.effects(id)).containsExactly("do slow-1 #1", "do next-1 #1");
  }

  @Test
  void resumeWhileWaitingForPauseCancelsThePause() {
    String id = start("[{\"do\":\"slow\",\"ms\":1000},{\"do\":\"next\"}]");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.effects(id).contains("do slow-1 #1"));
    assertThat(patch(id, "{\"status\":\"pause\"}").result().get("status").asText())
        .isEqualTo("waitingForPause");
    assertThat(patch(id, "{\"status\":\"resume\"}").result().get("status").asText())
        .isEqualTo("running");
    awaitStatus(id, "complete");
    assertThat(server.effects(id)).containsExactly("do slow-1 #1", "do next-1 #1");
  }

  @Test
  void pauseDuringASleepPausesAtOnceAndThePausedTimeDoesNotCount() throws Exception {
    String id = start("[{\"sleep\":\"nap\",\"ms\":5000},{\"do\":\"after\"}]");
    awaitStatus(id, "waiting");
    Instant sleepStart = Instant.parse(instance(id).get("steps").get(0).get("start").asText());
    Thread.sleep(1000); // let a second of the sleep pass before pausing: part of the scenario
    long before = System.nanoTime();
    ApiResponse paused = patch(id, "{\"status\":\"pause\"}");
    long pauseMillis = (System.nanoTime() - before) / 1_000_000;
    assertThat(paused.result().get("status").asText()).isEqualTo("paused");
    // at once: not after the 4 s left of the sleep (the bound leaves room for the slow answers of
    // a loaded machine)
    assertThat(pauseMillis).isLessThan(1000);
    Instant pausedAt = Instant.parse(paused.result().get("timestamp").asText());

    Thread.sleep(2000); // the instance stays paused for 2 s: part of the scenario
    Instant resumedAt =
        Instant.parse(patch(id, "{\"status\":\"resume\"}").result().get("timestamp").asText());
    awaitStatus(id, "complete");
    Instant afterStart = Instant.parse(instance(id).get("steps").get(1).get("start").asText());
    long remaining = 5000 - Duration.between(sleepStart, pausedAt).toMillis();
    long waitedAfterResume = Duration.between(resumedAt, afterStart).toMillis();
    assertThat(waitedAfterResume).isBetween(remaining - 200, remaining + 1500);
  }

  @Test
  void restartFromAStepAfterARollbackRunsTheCompensatedStepsAgain() {
    String id =
        start(
            "[{\"do\":\"hold\",\"rollback\":{}},{\"do\":\"quote\"},"
                + "{\"waitForEvent\":\"approval\",\"type\":\"go\"},{\"do\":\"ship\"}]");
    awaitStatus(id, "waiting");
    patch(id, "{\"status\":\"terminate\",\"rollback\":true}");
    awaitStatus(id, "terminated");

    patch(
        id, "{\"status\":\"restart\",\"from\":{\"name\":\"approval\",\"type\":\"waitForEvent\"}}");
    awaitStatus(id, "waiting");
    api.post(WF + "/instances/" + id + "/events/go", "{}");
    awaitStatus(id, "complete");

    assertThat(server.effects(id))
        .as("hold was undone by its handler, so it runs again; quote has none and keeps its result")
        .containsExactly(
            "do hold-1 #1", "do quote-1 #1", "rollback hold-1 #1", "do hold-1 #1", "do ship-1 #1");
  }

  @Test
  void terminateWithRollbackRunsTheHandlersInReverseOrder() {
    String id =
        start(
            "[{\"do\":\"a\",\"rollback\":{\"ms\":300}},{\"do\":\"b\",\"rollback\":{\"ms\":300}},"
                + "{\"do\":\"c\",\"rollback\":{\"ms\":300}},{\"waitForEvent\":\"hold\",\"type\":\"go\"}]");
    awaitStatus(id, "waiting");
    ApiResponse response = patch(id, "{\"status\":\"terminate\",\"rollback\":true}");
    assertThat(response.result().get("status").asText()).isEqualTo("rollingBack");
    assertThat(status(id)).isIn("rollingBack", "terminated");
    awaitStatus(id, "terminated");
    assertThat(server.effects(id))
        .containsExactly(
            "do a-1 #1",
            "do b-1 #1",
            "do c-1 #1",
            "rollback c-1 #1",
            "rollback b-1 #1",
            "rollback a-1 #1");
    JsonNode done = instance(id);
    assertThat(done.get("rollback").get("outcome").asText()).isEqualTo("complete");
    assertThat(steps(done, "rollback")).containsExactly("c-1", "b-1", "a-1");
    assertThat(steps(done, "termination")).hasSize(1);
  }

  @Test
  void aFailingHandlerHaltsTheRollbackChain() {
    String id =
        start(
            "[{\"do\":\"a\",\"rollback\":{}},{\"do\":\"b\",\"rollback\":{\"fail\":true,"
                + "\"retries\":{\"limit\":1,\"delay\":10,\"backoff\":\"constant\"}}},{\"do\":\"c\","
                + "\"rollback\":{}},{\"waitForEvent\":\"hold\",\"type\":\"go\"}]");
    awaitStatus(id, "waiting");
    patch(id, "{\"status\":\"terminate\",\"rollback\":true}");
    awaitStatus(id, "terminated");
    assertThat(server.effects(id))
        .containsExactly(
            "do a-1 #1",
            "do b-1 #1",
            "do c-1 #1",
            "rollback c-1 #1",
            "rollback b-1 #1",
            "rollback b-1 #2");
    JsonNode rollback = instance(id).get("rollback");
    assertThat(rollback.get("outcome").asText()).isEqualTo("failed");
    assertThat(rollback.get("error").get("message").asText()).contains("rollback failure of b");
  }

  @Test
  void aStepThatFailsPastItsRetriesRollsBackAndErrors() {
    String id =
        start(
            "[{\"do\":\"a\",\"rollback\":{}},{\"do\":\"b\",\"fail\":true,\"rollback\":{},"
                + "\"retries\":{\"limit\":2,\"delay\":50,\"backoff\":\"constant\"}}]");
    awaitStatus(id, "errored");
    assertThat(server.effects(id))
        .containsExactly(
            "do a-1 #1",
            "do b-1 #1",
            "do b-1 #2",
            "do b-1 #3",
            "rollback b-1 #1",
            "rollback a-1 #1");
    JsonNode failed = instance(id);
    assertThat(failed.get("success").asBoolean()).isFalse();
    assertThat(failed.get("error").get("message").asText()).contains("scripted failure of b");
    assertThat(failed.get("rollback").get("outcome").asText()).isEqualTo("complete");
    JsonNode b = failed.get("steps").get(1);
    assertThat(b.get("attempts")).hasSize(3);
    assertThat(b.get("success").asBoolean()).isFalse();
  }

  @Test
  void aWorkflowsConcurrencyLimitRunsItsInstancesOneAtATime() {
    String wf = "/client/v4/accounts/engine/workflows/serial";
    api.put(
        wf, "{\"class_name\":\"Scripted\",\"script_name\":\"t\",\"concurrency\":{\"limit\":1}}");
    for (int i = 1; i <= 3; i++) {
      api.post(
          wf + "/instances",
          "{\"instance_id\":\"s" + i + "\",\"params\":{\"steps\":[{\"do\":\"work\",\"ms\":300}]}}");
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.get(wf + "/instances?status=complete")
                        .body()
                        .get("result_info")
                        .get("total_count")
                        .asInt()
                    == 3);
    List<Instant[]> spans = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      JsonNode done = api.get(wf + "/instances/s" + i).result();
      spans.add(
          new Instant[] {
            Instant.parse(done.get("start").asText()), Instant.parse(done.get("end").asText())
          });
    }
    spans.sort((a, b) -> a[0].compareTo(b[0]));
    for (int i = 1; i < spans.size(); i++) {
      assertThat(spans.get(i)[0]).isAfterOrEqualTo(spans.get(i - 1)[1]);
    }
  }

  @Test
  void getStepReportsEachAttempt() {
    String id =
        start(
            "[{\"do\":\"flaky\",\"fail\":1,\"retries\":{\"limit\":2,\"delay\":10,"
                + "\"backoff\":\"constant\"}}]");
    awaitStatus(id, "complete");
    String step = WF + "/instances/" + id + "/step?name=flaky-1&type=step";
    JsonNode first = api.get(step + "&attempt=1").result();
    assertThat(first.get("status").asText()).isEqualTo("errored");
    assertThat(first.get("error").get("message").asText()).contains("attempt 1");
    JsonNode second = api.get(step + "&attempt=2").result();
    assertThat(second.get("status").asText()).isEqualTo("complete");
    assertThat(second.get("output").get("attempt").asInt()).isEqualTo(2);
    ApiResponse third = api.get(step + "&attempt=3");
    assertThat(third.status()).isEqualTo(404);
    assertThat(third.errorCode()).isEqualTo(10407);
  }

  @Test
  void getStepKeepsTheStackTraceOfTheLastFailedAttempt() {
    String id = start("[{\"do\":\"broken\",\"fail\":true,\"nonRetryable\":true}]");
    awaitStatus(id, "errored");
    JsonNode step = api.get(WF + "/instances/" + id + "/step?name=broken-1&type=step").result();
    assertThat(step.get("error_stack").asText())
        .startsWith("dev.stepflow.workflow.NonRetryableException")
        .contains("at dev.stepflow.workflow.builtin.Scripted");
    assertThat(instance(id).get("steps").get(0).has("error_stack"))
        .as("GET instance stays small: the stack trace is on the step endpoint only")
        .isFalse();
  }

  @Test
  void aNonRetryableFailureFailsAtOnce() {
    String id = start("[{\"do\":\"a\",\"fail\":true,\"nonRetryable\":true}]");
    awaitStatus(id, "errored");
    assertThat(server.effects(id)).containsExactly("do a-1 #1");
    assertThat(instance(id).get("error").get("name").asText()).isEqualTo("NonRetryableError");
  }

  @Test
  void restartFromAStepKeepsEarlierStepsAndRerunsTheRest() {
    String id = start("[{\"do\":\"a\"},{\"do\":\"b\"},{\"do\":\"c\"}]");
    awaitStatus(id, "complete");
    ApiResponse restarted = patch(id, "{\"status\":\"restart\",\"from\":{\"name\":\"b\"}}");
    assertThat(restarted.result().get("status").asText()).isEqualTo("queued");
    awaitStatus(id, "complete");
    assertThat(server.effects(id))
        .containsExactly("do a-1 #1", "do b-1 #1", "do c-1 #1", "do b-1 #1", "do c-1 #1");
    ApiResponse missing = patch(id, "{\"status\":\"restart\",\"from\":{\"name\":\"zz\"}}");
    assertThat(missing.status()).isEqualTo(409);
    assertThat(missing.errorCode()).isEqualTo(10404);
  }

  @Test
  void restartWithoutFromRunsEverythingAgain() {
    String id = start("[{\"do\":\"a\"},{\"do\":\"b\"}]");
    awaitStatus(id, "complete");
    patch(id, "{\"status\":\"restart\"}");
    awaitStatus(id, "complete");
    assertThat(server.effects(id))
        .containsExactly("do a-1 #1", "do b-1 #1", "do a-1 #1", "do b-1 #1");
  }

  @Test
  void eventsSentBeforeTheWaitAreConsumedAndEachFeedsOneWait() {
    String id =
        start(
            "[{\"do\":\"slow\",\"ms\":800},{\"waitForEvent\":\"first\",\"type\":\"go\"},"
                + "{\"waitForEvent\":\"second\",\"type\":\"go\"}]");
    api.post(WF + "/instances/" + id + "/events/go", "{\"n\":1}");
    awaitStatus(id, "waiting");
    api.post(WF + "/instances/" + id + "/events/go", "{\"n\":2}");
    awaitStatus(id, "complete");
    JsonNode output = instance(id).get("output");
    assertThat(output.get("first-1").get("payload").get("n").asInt()).isEqualTo(1);
    assertThat(output.get("second-1").get("payload").get("n").asInt()).isEqualTo(2);
  }

  @Test
  void anEventWaitTimeoutReachesTheCodeAsACatchableError() {
    String caught =
        start(
            "[{\"waitForEvent\":\"w\",\"type\":\"never\",\"timeout_ms\":300,"
                + "\"catch\":true},{\"do\":\"after\"}]");
    awaitStatus(caught, "complete");
    assertThat(instance(caught).get("output").get("w-1").get("timedOut").asText())
        .contains("timed out");
    String uncaught = start("[{\"waitForEvent\":\"w\",\"type\":\"never\",\"timeout_ms\":300}]");
    awaitStatus(uncaught, "errored");
    assertThat(instance(uncaught).get("error").get("name").asText()).isEqualTo("WaitTimeoutError");
  }

  @Test
  void terminateInterruptsARunningStepAndItsResultIsNeverRecorded() {
    String id = start("[{\"do\":\"slow\",\"ms\":5000},{\"do\":\"next\"}]");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.effects(id).contains("do slow-1 #1"));
    assertThat(patch(id, "{\"status\":\"terminate\"}").result().get("status").asText())
        .isEqualTo("terminated");
    JsonNode terminated = instance(id);
    JsonNode slow = terminated.get("steps").get(0);
    assertThat(slow.path("success").isMissingNode() || slow.get("success").isNull()).isTrue();
    assertThat(slow.path("output").isMissingNode() || slow.get("output").isNull()).isTrue();
    assertThat(server.effects(id)).containsExactly("do slow-1 #1");
  }

  @Test
  void getInstanceSimpleAndOrderShapeTheStepLog() {
    String id = start("[{\"do\":\"a\"},{\"do\":\"b\"}]");
    awaitStatus(id, "complete");
    JsonNode simple = api.get(WF + "/instances/" + id + "?simple=true").result();
    assertThat(simple.get("steps")).isEmpty();
    assertThat(simple.get("step_count").asInt()).isEqualTo(2);
    ArrayNode desc =
        (ArrayNode) api.get(WF + "/instances/" + id + "?order=desc").result().get("steps");
    assertThat(desc.get(0).get("name").asText()).isEqualTo("b-1");
    JsonNode step = api.get(WF + "/instances/" + id + "/step?name=b-1&type=step").result();
    assertThat(step.get("status").asText()).isEqualTo("complete");
    assertThat(step.get("output").get("step").asText()).isEqualTo("b");
  }
}
