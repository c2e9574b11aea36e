package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.auth.Permission;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Idempotency-Key (issue 17 item 4) over real HTTP, on a server that holds its instances queued. A
 * restart of a queued instance is a move (queued to queued) that adds a history row each time it is
 * applied, so the history counts how often a request was applied. The concrete classes run it on
 * SQLite and on PostgreSQL.
 */
abstract class IdempotencyScenarios {
  static final String RESTART = "{\"status\":\"restart\"}";

  abstract TestServer server();

  ApiClient api;
  String wf;

  @BeforeEach
  void workflow() {
    api = server().client();
    wf = "/client/v4/accounts/idem/workflows/w" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(api.put(wf, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
  }

  void create(String id) {
    assertThat(api.post(wf + "/instances", "{\"instance_id\":\"" + id + "\"}").status())
        .isEqualTo(200);
  }

  static String key() {
    return UUID.randomUUID().toString();
  }

  ApiResponse restart(ApiClient as, String id, String key) {
    return as.send(
        "PATCH",
        wf + "/instances/" + id + "/status",
        RESTART,
        "application/json",
        Map.of("Idempotency-Key", key));
  }

  long restarts(String id) {
    List<String> triggers = new ArrayList<>();
    api.get(wf + "/instances/" + id + "/history?per_page=100")
        .result()
        .forEach(e -> triggers.add(e.get("trigger").asText()));
    return triggers.stream().filter("restart"::equals).count();
  }

  @Test
  void aRepeatedRestartWithOneKeyIsAppliedOnceAndAnsweredTheSame() {
    create("i1");
    String key = key();

    ApiResponse first = restart(api, "i1", key);
    ApiResponse repeat = restart(api, "i1", key);

    assertThat(first.status()).isEqualTo(200);
    assertThat(repeat.status()).isEqualTo(200);
    assertThat(repeat.body()).isEqualTo(first.body());
    assertThat(repeat.header("ETag")).isEqualTo(first.header("ETag"));
    assertThat(repeat.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(restarts("i1")).isEqualTo(1);
    assertThat(restart(api, "i1", key()).status()).isEqualTo(200);
    assertThat(restarts("i1")).isEqualTo(2);
  }

  @Test
  void theSameKeyWithAnotherBodyIsUnprocessableAndChangesNothing() {
    create("i2");
    String key = key();
    restart(api, "i2", key);

    ApiResponse other =
        api.send(
            "PATCH",
            wf + "/instances/i2/status",
            "{\"status\":\"pause\"}",
            "application/json",
            Map.of("Idempotency-Key", key));
    ApiResponse otherPath = restart(api, "i3", key);

    assertThat(other.status()).isEqualTo(422);
    assertThat(other.errorCode()).isEqualTo(10422);
    assertThat(other.body().get("errors").get(0).get("message").asText())
        .isEqualTo("workflows.api.error.idempotency_key_reused");
    assertThat(other.header("x-should-retry")).isEqualTo("false");
    assertThat(otherPath.status()).isEqualTo(422);
    assertThat(api.get(wf + "/instances/i2").result().get("status").asText()).isEqualTo("queued");
  }

  @Test
  void aRefusalIsKeptAndRepeatedAsItWas() {
    create("i4");
    api.patch(wf + "/instances/i4/status", "{\"status\":\"terminate\"}");
    String key = key();

    ApiResponse first =
        api.send(
            "PATCH",
            wf + "/instances/i4/status",
            "{\"status\":\"pause\"}",
            "application/json",
            Map.of("Idempotency-Key", key));
    ApiResponse repeat =
        api.send(
            "PATCH",
            wf + "/instances/i4/status",
            "{\"status\":\"pause\"}",
            "application/json",
            Map.of("Idempotency-Key", key));

    assertThat(first.status()).isEqualTo(409);
    assertThat(repeat.status()).isEqualTo(409);
    assertThat(repeat.body()).isEqualTo(first.body());
    assertThat(repeat.header("x-should-retry")).isEqualTo("false");
  }

  @Test
  void aRepeatedCreateWithOneKeyCreatesOnceAndAnswersTheGeneratedId() {
    String key = key();

    ApiResponse first =
        api.send(
            "POST", wf + "/instances", "{}", "application/json", Map.of("Idempotency-Key", key));
    ApiResponse repeat =
        api.send(
            "POST", wf + "/instances", "{}", "application/json", Map.of("Idempotency-Key", key));

    assertThat(first.status()).isEqualTo(200);
    assertThat(repeat.result().get("id").asText()).isEqualTo(first.result().get("id").asText());
    assertThat(api.get(wf + "/instances").result()).hasSize(1);
  }

  @Test
  void keysBelongToOneToken() {
    create("i5");
    String other = server().addToken("other-" + key().substring(0, 6), Permission.EDIT);
    String key = key();

    restart(api, "i5", key);
    ApiResponse byOther = restart(api.withToken(other), "i5", key);

    assertThat(byOther.header("Idempotent-Replayed")).isNull();
    assertThat(restarts("i5")).isEqualTo(2);
  }

  @Test
  void aMalformedKeyIsABadRequestThatChangesNothing() {
    create("i6");

    ApiResponse spaced = restart(api, "i6", "has space");
    ApiResponse tooLong = restart(api, "i6", "k".repeat(256));

    assertThat(spaced.status()).isEqualTo(400);
    assertThat(spaced.errorCode()).isEqualTo(10002);
    assertThat(spaced.body().get("messages").get(0).asText()).contains("Idempotency-Key");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(restarts("i6")).isZero();
  }

  /**
   * Many requests with one key at once, released together: one is applied; every other answer is
   * the first answer or the 409 that says to retry; never a second application.
   */
  @Test
  void concurrentRequestsWithOneKeyApplyItOnce() throws Exception {
    create("race");
    String key = key();
    int clients = 12;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<ApiResponse>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return restart(api, "race", key);
                }));
      }
      go.countDown();
      int applied = 0;
      int replayed = 0;
      int toRetry = 0;
      for (Future<ApiResponse> future : answers) {
        ApiResponse answer = future.get(30, TimeUnit.SECONDS);
        if (answer.status() == 200 && answer.header("Idempotent-Replayed") == null) {
          applied++;
        } else if (answer.status() == 200) {
          replayed++;
        } else {
          assertThat(answer.status()).isEqualTo(409);
          assertThat(answer.errorCode()).isEqualTo(10409);
          assertThat(answer.header("x-should-retry")).isEqualTo("true");
          assertThat(answer.header("Retry-After")).isEqualTo("1");
          toRetry++;
        }
      }
      assertThat(applied).isEqualTo(1);
      assertThat(applied + replayed + toRetry).isEqualTo(clients);
      assertThat(restarts("race")).isEqualTo(1);
      assertThat(restart(api, "race", key).header("Idempotent-Replayed")).isEqualTo("true");
    } finally {
      pool.shutdownNow();
    }
  }
}
