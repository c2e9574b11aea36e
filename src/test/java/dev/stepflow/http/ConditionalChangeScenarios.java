package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ETag, If-Match and if_status (issue 17 item 3) over real HTTP, on a server that holds its
 * instances queued. The concrete classes run it on SQLite and on PostgreSQL.
 */
abstract class ConditionalChangeScenarios {
  abstract TestServer server();

  ApiClient api;
  String wf;

  @BeforeEach
  void workflow() {
    api = server().client();
    wf = "/client/v4/accounts/cond/workflows/w" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(api.put(wf, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
  }

  String create(String id) {
    assertThat(api.post(wf + "/instances", "{\"instance_id\":\"" + id + "\"}").status())
        .isEqualTo(200);
    return etag(id);
  }

  String etag(String id) {
    ApiResponse got = api.get(wf + "/instances/" + id);
    assertThat(got.status()).isEqualTo(200);
    return got.header("ETag");
  }

  ApiResponse patch(String id, String body, Map<String, String> headers) {
    return api.send(
        "PATCH", wf + "/instances/" + id + "/status", body, "application/json", headers);
  }

  int historyLength(String id) {
    return api.get(wf + "/instances/" + id + "/history").result().size();
  }

  @Test
  void fiftyRacingPatchesWithTheSameIfMatchApplyOnceAndTheOthersAre412()
      throws InterruptedException {
    String tag = create("race");
    int racers = 50;
    List<Integer> statuses = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    try (var threads = java.util.concurrent.Executors.newFixedThreadPool(racers)) {
      for (int i = 0; i < racers; i++) {
        threads.submit(
            () -> {
              go.await();
              ApiResponse answer = patch("race", "{\"status\":\"pause\"}", Map.of("If-Match", tag));
              statuses.add(answer.status());
              if (answer.status() == 412) {
                assertThat(answer.errorCode()).isEqualTo(10412);
                assertThat(answer.header("x-should-retry")).isEqualTo("false");
              }
              return null;
            });
      }
      go.countDown();
    }

    assertThat(statuses).hasSize(racers);
    assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
    assertThat(statuses.stream().filter(s -> s == 412)).hasSize(racers - 1);
    assertThat(historyLength("race")).as("the creation and one pause").isEqualTo(2);
    assertThat(api.get(wf + "/instances/race").result().get("status").asText()).isEqualTo("paused");
  }

  @Test
  void theEtagIsStrongAndChangesWithEveryStatusChangeOnly() {
    String created = create("e1");
    String again = etag("e1");
    ApiResponse paused = patch("e1", "{\"status\":\"pause\"}", Map.of());
    ApiResponse noOp = patch("e1", "{\"status\":\"pause\"}", Map.of());

    assertThat(created).matches("\"[0-9]+\\.[0-9]+\"");
    assertThat(again).isEqualTo(created);
    assertThat(paused.header("ETag")).isNotEqualTo(created).isEqualTo(etag("e1"));
    assertThat(noOp.header("ETag")).isEqualTo(paused.header("ETag"));
  }

  @Test
  void aStaleIfMatchIsAPreconditionFailureThatChangesNothing() {
    String stale = create("e2");
    patch("e2", "{\"status\":\"pause\"}", Map.of());
    String current = etag("e2");

    ApiResponse refused = patch("e2", "{\"status\":\"terminate\"}", Map.of("If-Match", stale));

    assertThat(refused.status()).isEqualTo(412);
    assertThat(refused.errorCode()).isEqualTo(10412);
    assertThat(refused.body().get("errors").get(0).get("message").asText())
        .isEqualTo("workflows.api.error.precondition_failed");
    assertThat(refused.result().get("status").asText()).isEqualTo("paused");
    assertThat(refused.result().get("etag").asText()).isEqualTo(current);
    assertThat(refused.header("ETag")).isEqualTo(current);
    assertThat(refused.header("x-should-retry")).isEqualTo("false");
    assertThat(refused.body().get("messages").get(0).asText())
        .contains("'e2'")
        .contains("paused")
        .contains("Nothing was changed");
    assertThat(api.get(wf + "/instances/e2").result().get("status").asText()).isEqualTo("paused");
    assertThat(historyLength("e2")).isEqualTo(2);
  }

  @Test
  void aCurrentIfMatchAppliesTheAction() {
    String current = create("e3");

    ApiResponse applied =
        patch("e3", "{\"status\":\"pause\"}", Map.of("If-Match", "\"0.0\", " + current));
    ApiResponse any = patch("e3", "{\"status\":\"resume\"}", Map.of("If-Match", "*"));

    assertThat(applied.status()).isEqualTo(200);
    assertThat(applied.result().get("status").asText()).isEqualTo("paused");
    assertThat(any.status()).isEqualTo(200);
    assertThat(any.result().get("status").asText()).isEqualTo("queued");
  }

  @Test
  void anIfStatusThatDoesNotHoldIsAPreconditionFailureThatChangesNothing() {
    create("e4");

    ApiResponse refused =
        patch("e4", "{\"status\":\"pause\",\"if_status\":[\"running\",\"waiting\"]}", Map.of());
    ApiResponse applied =
        patch("e4", "{\"status\":\"pause\",\"if_status\":[\"running\",\"queued\"]}", Map.of());

    assertThat(refused.status()).isEqualTo(412);
    assertThat(refused.errorCode()).isEqualTo(10412);
    assertThat(refused.result().get("status").asText()).isEqualTo("queued");
    assertThat(refused.body().get("messages").get(0).asText())
        .isEqualTo(
            "Instance 'e4' is queued, not running or waiting as if_status requires. Nothing was"
                + " changed.");
    assertThat(applied.status()).isEqualTo(200);
    assertThat(historyLength("e4")).isEqualTo(2);
  }

  @Test
  void ifStatusWorksOnEveryActionVariant() {
    create("e5");

    ApiResponse terminate =
        patch(
            "e5",
            "{\"status\":\"terminate\",\"rollback\":false,\"if_status\":[\"paused\"]}",
            Map.of());
    ApiResponse restart =
        patch("e5", "{\"status\":\"restart\",\"if_status\":[\"errored\"]}", Map.of());
    ApiResponse resume =
        patch("e5", "{\"status\":\"resume\",\"if_status\":[\"paused\"]}", Map.of());

    assertThat(terminate.status()).isEqualTo(412);
    assertThat(restart.status()).isEqualTo(412);
    assertThat(resume.status()).isEqualTo(412);
    assertThat(historyLength("e5")).isEqualTo(1);
  }

  @Test
  void aMalformedIfMatchOrIfStatusIsABadRequest() {
    create("e6");

    ApiResponse unquoted = patch("e6", "{\"status\":\"pause\"}", Map.of("If-Match", "17.1"));
    ApiResponse weak = patch("e6", "{\"status\":\"pause\"}", Map.of("If-Match", "W/\"17.1\""));
    ApiResponse unknownStatus =
        patch("e6", "{\"status\":\"pause\",\"if_status\":[\"sleeping\"]}", Map.of());

    assertThat(unquoted.status()).isEqualTo(400);
    assertThat(unquoted.errorCode()).isEqualTo(10002);
    assertThat(unquoted.body().get("messages").get(0).asText()).contains("If-Match");
    assertThat(weak.status()).isEqualTo(400);
    assertThat(unknownStatus.status()).isEqualTo(400);
    assertThat(historyLength("e6")).isEqualTo(1);
  }

  @Test
  void anIfMatchOfAnotherInstanceOfTheSameIdNeverMatches() {
    String first = create("e7");
    assertThat(api.delete(wf + "/instances/e7").status()).isEqualTo(200);
    String second = create("e7");

    ApiResponse refused = patch("e7", "{\"status\":\"pause\"}", Map.of("If-Match", first));

    assertThat(second).isNotEqualTo(first);
    assertThat(refused.status()).isEqualTo(412);
  }
}
