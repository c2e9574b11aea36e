package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limit of concurrently running instances (here 1): queued instances wait for a slot and start
 * first in first out, waiting instances do not hold a slot, and a paused queued instance is held.
 */
class EngineConcurrencyIT {
  @RegisterExtension static final TestServer server = TestServer.withMaxRunning(1);
  private static final String WF = "/client/v4/accounts/limits/workflows/one-at-a-time";
  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    api = server.client();
    api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"tests\"}");
  }

  private static void create(String id, String steps) {
    String body = "{\"instance_id\":\"" + id + "\",\"params\":{\"steps\":" + steps + "}}";
    assertThat(api.post(WF + "/instances", body).status()).isEqualTo(200);
  }

  private static String status(String id) {
    return api.get(WF + "/instances/" + id).result().get("status").asText();
  }

  private static void awaitStatus(String id, String expected) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> status(id).equals(expected));
  }

  @Test
  void aQueuedInstanceWaitsForASlotAndAPauseHoldsIt() {
    create("blocker", "[{\"do\":\"slow\",\"ms\":1500}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.effects("blocker").contains("do slow-1 #1"));
    create("held", "[{\"do\":\"work\"}]");
    assertThat(status("held")).isEqualTo("queued");
    assertThat(
            api.patch(WF + "/instances/held/status", "{\"status\":\"pause\"}")
                .result()
                .get("status")
                .asText())
        .isEqualTo("paused");
    awaitStatus("blocker", "complete");
    assertThat(status("held")).isEqualTo("paused");
    assertThat(server.effects("held")).isEmpty();
    api.patch(WF + "/instances/held/status", "{\"status\":\"resume\"}");
    awaitStatus("held", "complete");
    assertThat(server.effects("held")).containsExactly("do work-1 #1");
  }

  @Test
  void queuedInstancesStartFirstInFirstOut() {
    create("first", "[{\"do\":\"slow\",\"ms\":500}]");
    create("second", "[{\"do\":\"a\"}]");
    create("third", "[{\"do\":\"a\"}]");
    awaitStatus("third", "complete");
    Instant second =
        Instant.parse(api.get(WF + "/instances/second").result().get("start").asText());
    Instant third = Instant.parse(api.get(WF + "/instances/third").result().get("start").asText());
    Instant firstEnd = Instant.parse(api.get(WF + "/instances/first").result().get("end").asText());
    assertThat(second).isAfterOrEqualTo(firstEnd);
    assertThat(third).isAfterOrEqualTo(second);
  }

  @Test
  void deletingARunningInstanceStopsItsRunAndFreesTheSlot() {
    create("endless", "[{\"do\":\"slow\",\"ms\":60000},{\"do\":\"next\"}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.effects("endless").contains("do slow-1 #1"));
    assertThat(api.delete(WF + "/instances/endless").status()).isEqualTo(200);
    create("successor", "[{\"do\":\"a\"}]");
    awaitStatus("successor", "complete");
    assertThat(server.effects("endless")).containsExactly("do slow-1 #1");
  }

  @Test
  void aWaitingInstanceDoesNotHoldTheSlot() {
    create("waiter", "[{\"waitForEvent\":\"w\",\"type\":\"go\"}]");
    awaitStatus("waiter", "waiting");
    create("worker", "[{\"do\":\"a\"}]");
    awaitStatus("worker", "complete");
    api.post(WF + "/instances/waiter/events/go", "{}");
    awaitStatus("waiter", "complete");
  }
}
