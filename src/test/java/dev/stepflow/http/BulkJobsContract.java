package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.auth.Permission;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Durable bulk jobs over HTTP, on a real server whose instances stay queued (so every status is
 * known); run on SQLite ({@link BulkJobsIT}) and PostgreSQL ({@link PostgresBulkJobsIT}). Each test
 * uses a workflow of its own.
 */
abstract class BulkJobsContract {
  private static final String ACCOUNT = "/client/v4/accounts/bulk";
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static int workflows;

  abstract TestServer server();

  ApiClient api;

  @BeforeEach
  void client() {
    api = server().client();
  }

  /** A fresh workflow with {@code count} queued instances i0, i1, ... (created oldest first). */
  String workflowWith(int count) {
    String wf = ACCOUNT + "/workflows/bulk" + (++workflows);
    api.createScriptedInstances(wf, count);
    return wf;
  }

  String status(String wf, String id) {
    return api.get(wf + "/instances/" + id).result().get("status").asText();
  }

  JsonNode start(String wf, String body) {
    ApiResponse started = api.post(wf + "/bulk", body);
    assertThat(started.status()).as("POST bulk: %s", started.body()).isEqualTo(200);
    return started.result();
  }

  JsonNode awaitEnded(String wf, String jobId) {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !job(wf, jobId).get("state").asText().equals("running"));
    return job(wf, jobId);
  }

  JsonNode job(String wf, String jobId) {
    return api.get(wf + "/bulk/" + jobId).result();
  }

  List<JsonNode> items(String wf, String jobId, String query) {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    do {
      String path =
          wf
              + "/bulk/"
              + jobId
              + "/items?per_page=7"
              + query
              + (cursor == null ? "" : "&cursor=" + cursor);
      ApiResponse page = api.get(path);
      assertThat(page.status()).as("items: %s", page.body()).isEqualTo(200);
      page.result().forEach(all::add);
      JsonNode next = page.body().get("result_info").get("cursor");
      cursor = next == null || next.isNull() ? null : next.asText();
    } while (cursor != null);
    return all;
  }

  @Test
  void aStatusFilterSelectsExactlyTheMatchingInstancesAndEachOutcomeIsRecorded() {
    String wf = workflowWith(12);
    for (int i = 0; i < 4; i++) {
      api.patch(wf + "/instances/i" + i + "/status", "{\"status\":\"pause\"}");
    }
    api.patch(wf + "/instances/i4/status", "{\"status\":\"terminate\"}");

    JsonNode started =
        start(
            wf,
            "{\"action\":\"resume\",\"filter\":{\"status\":[\"paused\",\"terminated\"]},"
                + "\"reason\":\"maintenance over\"}");
    assertThat(started.get("matched").asInt()).isEqualTo(5);
    assertThat(started.get("reason").asText()).isEqualTo("maintenance over");
    JsonNode done = awaitEnded(wf, started.get("id").asText());

    assertThat(done.get("state").asText()).isEqualTo("complete");
    assertThat(done.get("applied").asInt()).isEqualTo(4);
    assertThat(done.get("skipped").asInt()).isEqualTo(1);
    assertThat(done.get("failed").asInt()).isZero();
    assertThat(done.get("pending").asInt()).isZero();
    assertThat(done.get("ended_on").asText()).isNotEmpty();
    for (int i = 0; i < 4; i++) {
      assertThat(status(wf, "i" + i)).as("i%d was resumed", i).isEqualTo("queued");
    }
    assertThat(status(wf, "i4")).isEqualTo("terminated");
    List<JsonNode> items = items(wf, started.get("id").asText(), "");
    assertThat(items)
        .extracting(n -> n.get("instance_id").asText())
        .containsExactly("i0", "i1", "i2", "i3", "i4");
    JsonNode refused = items.get(4);
    assertThat(refused.get("outcome").asText()).isEqualTo("skipped");
    assertThat(refused.get("code").asInt()).isEqualTo(10403);
    assertThat(refused.get("message").asText())
        .isEqualTo("Cannot resume instance 'i4': it is terminated. Allowed actions: restart.");
    assertThat(items(wf, started.get("id").asText(), "&outcome=applied")).hasSize(4);
  }

  @Test
  void aDryRunMatchesAsManyInstancesAsTheListCountsForTheSameFilter() {
    String wf = workflowWith(30);
    for (int i = 0; i < 30; i += 3) {
      api.patch(wf + "/instances/i" + i + "/status", "{\"status\":\"pause\"}");
    }
    for (String status : List.of("queued", "paused")) {
      JsonNode dryRun =
          start(
              wf,
              "{\"action\":\"terminate\",\"dry_run\":true,\"filter\":{\"status\":[\""
                  + status
                  + "\"]}}");
      int listed =
          api.get(wf + "/instances?status=" + status)
              .body()
              .get("result_info")
              .get("total_count")
              .asInt();
      assertThat(dryRun.get("matched").asInt()).as(status).isEqualTo(listed).isPositive();
    }
  }

  @Test
  void aDryRunChangesNothingAndSaysWhatTheTableWouldDo() {
    String wf = workflowWith(5);
    api.patch(wf + "/instances/i1/status", "{\"status\":\"terminate\"}");
    api.patch(wf + "/instances/i2/status", "{\"status\":\"pause\"}");

    JsonNode job = start(wf, "{\"action\":\"pause\",\"dry_run\":true}");

    assertThat(job.get("state").asText()).isEqualTo("complete");
    assertThat(job.get("dry_run").asBoolean()).isTrue();
    assertThat(job.get("matched").asInt()).isEqualTo(5);
    assertThat(job.get("would_apply").asInt()).isEqualTo(3);
    assertThat(job.get("would_skip").asInt()).isEqualTo(2);
    assertThat(job.get("applied").asInt()).isZero();
    List<JsonNode> items = items(wf, job.get("id").asText(), "");
    assertThat(items)
        .extracting(n -> n.get("instance_id").asText() + " " + n.get("outcome").asText())
        .containsExactly(
            "i0 would_apply", "i1 would_skip", "i2 would_skip", "i3 would_apply", "i4 would_apply");
    assertThat(items.get(1).get("code").asInt()).isEqualTo(10402);
    assertThat(items.get(2).get("message").asText())
        .isEqualTo("Instance 'i2' is paused already; nothing to change.");
    assertThat(List.of("i0", "i3", "i4")).allMatch(id -> status(wf, id).equals("queued"));
    assertThat(status(wf, "i1")).isEqualTo("terminated");
  }

  @Test
  void restartAppliesToTheSelectedIdsOnly() throws InterruptedException {
    String wf = workflowWith(3);
    String queuedBefore = queuedOn(wf, "i0");
    String i1QueuedBefore = queuedOn(wf, "i1");
    Thread.sleep(5); // a restart re-queues at a later millisecond
    JsonNode started = start(wf, "{\"action\":\"restart\",\"filter\":{\"ids\":[\"i0\",\"i2\"]}}");
    JsonNode done = awaitEnded(wf, started.get("id").asText());

    assertThat(done.get("applied").asInt()).isEqualTo(2);
    assertThat(items(wf, started.get("id").asText(), ""))
        .extracting(n -> n.get("instance_id").asText())
        .containsExactly("i0", "i2");
    assertThat(queuedOn(wf, "i0")).as("i0 was queued again").isNotEqualTo(queuedBefore);
    assertThat(queuedOn(wf, "i1")).as("i1 was left alone").isEqualTo(i1QueuedBefore);
  }

  private String queuedOn(String wf, String id) {
    return api.get(wf + "/instances/" + id).result().get("queued").asText();
  }

  @Test
  void deleteRemovesTheSelectedInstances() {
    String wf = workflowWith(4);
    JsonNode started =
        start(wf, "{\"action\":\"delete\",\"filter\":{\"ids\":[\"i1\",\"i3\",\"nope\"]}}");
    assertThat(started.get("matched").asInt()).isEqualTo(2);
    JsonNode done = awaitEnded(wf, started.get("id").asText());

    assertThat(done.get("applied").asInt()).isEqualTo(2);
    assertThat(api.get(wf + "/instances/i1").status()).isEqualTo(404);
    assertThat(api.get(wf + "/instances/i3").status()).isEqualTo(404);
    assertThat(status(wf, "i0")).isEqualTo("queued");
  }

  @Test
  void cancelStopsTheJobBetweenItemsAndLeavesTheRestCancelled() {
    String wf = workflowWith(40);
    JsonNode started = start(wf, "{\"action\":\"pause\",\"max_per_second\":10}");
    String jobId = started.get("id").asText();
    await().atMost(DEADLINE).until(() -> job(wf, jobId).get("applied").asInt() >= 3);

    ApiResponse cancelled = api.delete(wf + "/bulk/" + jobId);

    assertThat(cancelled.status()).isEqualTo(200);
    JsonNode job = cancelled.result();
    assertThat(job.get("state").asText()).isEqualTo("cancelled");
    int applied = job.get("applied").asInt();
    assertThat(job.get("cancelled").asInt()).isEqualTo(40 - applied).isPositive();
    assertThat(job.get("pending").asInt()).isZero();
    List<JsonNode> items = items(wf, jobId, "");
    for (JsonNode item : items) {
      String expected = item.get("outcome").asText().equals("applied") ? "paused" : "queued";
      assertThat(status(wf, item.get("instance_id").asText())).as("%s", item).isEqualTo(expected);
    }
    assertThat(items(wf, jobId, "&outcome=cancelled")).hasSize(40 - applied);
    assertThat(job(wf, jobId).get("applied").asInt())
        .as("nothing applied after")
        .isEqualTo(applied);
    assertThat(api.delete(wf + "/bulk/" + jobId).result().get("state").asText())
        .as("cancelling again changes nothing")
        .isEqualTo("cancelled");
  }

  @Test
  void maxPerSecondIsHonoured() {
    String wf = workflowWith(16);
    long began = System.nanoTime();
    JsonNode started = start(wf, "{\"action\":\"pause\",\"max_per_second\":5}");
    JsonNode done = awaitEnded(wf, started.get("id").asText());
    double seconds = (System.nanoTime() - began) / 1e9;

    assertThat(done.get("applied").asInt()).isEqualTo(16);
    // 16 items at 5 per second: the 16th starts no earlier than 3 s after the first
    assertThat(seconds).isGreaterThanOrEqualTo(2.9);
    List<Instant> times =
        items(wf, started.get("id").asText(), "").stream()
            .map(n -> Instant.parse(n.get("done_on").asText()))
            .toList();
    for (Instant first : times) {
      long inOneSecond =
          times.stream()
              .filter(t -> !t.isBefore(first) && t.isBefore(first.plusSeconds(1)))
              .count();
      assertThat(inOneSecond).as("items done within 1 s of %s", first).isLessThanOrEqualTo(6);
    }
    // the rate held within 10 %: 15 intervals at 5 per second span 3 s
    double span =
        Duration.between(
                    times.stream().min(Instant::compareTo).orElseThrow(),
                    times.stream().max(Instant::compareTo).orElseThrow())
                .toMillis()
            / 1000.0;
    assertThat(15 / span).as("items per second over %.3f s", span).isBetween(4.5, 5.5);
    System.out.printf(
        "%s: 16 items at max_per_second 5 took %.2f s%n", getClass().getSimpleName(), seconds);
  }

  @Test
  void aJobAtTheHighestRateAppliesEveryItemAndReportsItsPace() {
    String wf = workflowWith(400);
    long began = System.nanoTime();
    JsonNode started = start(wf, "{\"action\":\"pause\",\"max_per_second\":10000}");
    long answered = System.nanoTime();
    JsonNode done = awaitEnded(wf, started.get("id").asText());
    double seconds = (System.nanoTime() - began) / 1e9;

    assertThat(done.get("applied").asInt()).isEqualTo(400);
    assertThat(
            api.get(wf + "/instances?status=paused")
                .body()
                .get("result_info")
                .get("total_count")
                .asInt())
        .isEqualTo(400);
    System.out.printf(
        "%s: a job over 400 instances answered in %d ms and applied them all in %.2f s"
            + " (%.0f items/s, polled every 100 ms)%n",
        getClass().getSimpleName(), (answered - began) / 1_000_000, seconds, 400 / seconds);
  }

  @Test
  void terminateAllStartsADurableBulkJobWithTheOldWireShape() {
    String wf = workflowWith(6);
    api.patch(wf + "/instances/i0/status", "{\"status\":\"pause\"}");

    ApiResponse put = api.put(wf + "/instances/terminate?status=paused", null);

    assertThat(put.status()).isEqualTo(200);
    assertThat(put.result().toString())
        .isIn("{\"status\":\"ok\"}", "{\"status\":\"already_running\"}");
    JsonNode jobs = api.get(wf + "/bulk").result();
    assertThat(jobs).hasSize(1);
    JsonNode job = jobs.get(0);
    assertThat(job.get("action").asText()).isEqualTo("terminate");
    assertThat(job.get("filter").get("status").toString()).isEqualTo("[\"paused\"]");
    assertThat(job.get("matched").asInt()).isEqualTo(1);
    awaitEnded(wf, job.get("id").asText());
    assertThat(api.get(wf + "/instances/terminate").result().toString())
        .isEqualTo("{\"status\":\"not_running\"}");
    assertThat(status(wf, "i0")).isEqualTo("terminated");
    assertThat(status(wf, "i1")).isEqualTo("queued");

    assertThat(api.put(wf + "/instances/terminate", null).result().toString())
        .isEqualTo("{\"status\":\"ok\"}");
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                api.get(wf + "/instances/terminate")
                    .result()
                    .get("status")
                    .asText()
                    .equals("not_running"));
    assertThat(IntStream.range(1, 6).mapToObj(i -> status(wf, "i" + i))).containsOnly("terminated");
  }

  @Test
  void aSecondTerminateAllWhileOneRunsIsAlreadyRunning() {
    String wf = workflowWith(30);
    start(wf, "{\"action\":\"terminate\",\"max_per_second\":5}");

    assertThat(api.get(wf + "/instances/terminate").result().toString())
        .isEqualTo("{\"status\":\"running\"}");
    assertThat(api.put(wf + "/instances/terminate", null).result().toString())
        .isEqualTo("{\"status\":\"already_running\"}");
    assertThat(api.get(wf + "/bulk").result()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"action\":\"explode\"}",
        "{}",
        "{\"action\":\"pause\",\"rollback\":true}",
        "{\"action\":\"pause\",\"from\":{\"name\":\"x\"}}",
        "{\"action\":\"restart\",\"from\":{\"name\":\"x\",\"count\":1.5}}",
        "{\"action\":\"pause\",\"max_per_second\":0}",
        "{\"action\":\"pause\",\"max_per_second\":10001}",
        "{\"action\":\"pause\",\"filter\":{\"status\":[\"sleeping\"]}}",
        "{\"action\":\"pause\",\"filter\":{\"status\":[]}}",
        "{\"action\":\"pause\",\"filter\":{\"created_after\":\"yesterday\"}}",
        "{\"action\":\"pause\",\"filter\":{\"created_after\":\"2026-01-02T00:00:00Z\","
            + "\"created_before\":\"2026-01-01T00:00:00Z\"}}",
        "{\"action\":\"pause\",\"filter\":{\"color\":\"red\"}}",
        "{\"action\":\"pause\",\"dry_run\":\"yes\"}",
        "[]",
        "{\"action\":\"pause\",\"reason\":\"two\\nlines\"}",
        "{\"action\":\"pause\",\"filter\":{\"ids\":[null]}}"
      })
  void badInputIsRefusedWith400AndCreatesNoJob(String body) {
    String wf = workflowWith(1);

    ApiResponse refused = api.post(wf + "/bulk", body);

    assertThat(refused.status()).as("%s -> %s", body, refused.body()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo(10002);
    assertThat(refused.header("content-type")).startsWith("application/json");
    assertThat(api.get(wf + "/bulk").result()).isEmpty();
    assertThat(status(wf, "i0")).isEqualTo("queued");
  }

  @Test
  void unknownWorkflowAndUnknownJobAre404() {
    String wf = workflowWith(1);
    ApiResponse noWorkflow =
        api.post(ACCOUNT + "/workflows/nowhere/bulk", "{\"action\":\"pause\"}");
    assertThat(noWorkflow.status()).isEqualTo(404);
    assertThat(noWorkflow.errorCode()).isEqualTo(10200);
    assertThat(api.get(ACCOUNT + "/workflows/nowhere/bulk").errorCode()).isEqualTo(10200);

    for (ApiResponse noJob :
        List.of(
            api.get(wf + "/bulk/no-such-job"),
            api.get(wf + "/bulk/no-such-job/items"),
            api.delete(wf + "/bulk/no-such-job"))) {
      assertThat(noJob.status()).isEqualTo(404);
      assertThat(noJob.errorCode()).isEqualTo(10410);
      assertThat(noJob.body().get("errors").get(0).get("message").asText())
          .isEqualTo("workflows.api.error.bulk_job.not_found");
    }
  }

  @Test
  void aJobOfAnotherWorkflowIsNotFoundUnderThisOne() {
    String wf = workflowWith(1);
    String other = workflowWith(1);
    String jobId = start(wf, "{\"action\":\"pause\",\"dry_run\":true}").get("id").asText();

    assertThat(api.get(other + "/bulk/" + jobId).errorCode()).isEqualTo(10410);
  }

  @Test
  void eachChangeOfAJobIsInTheHistoryWithTheJobItsStarterItsReasonAndItsStartRequest() {
    String wf = workflowWith(3);
    ApiClient ops = api.withToken(server().addToken("ops-oncall", Permission.EDIT));
    ApiResponse started =
        ops.send(
            "POST",
            wf + "/bulk",
            "{\"action\":\"pause\",\"filter\":{\"ids\":[\"i0\",\"i2\"]}}",
            "application/json",
            Map.of("X-Stepflow-Reason", "incident 42", "X-Request-Id", "start-req-1"));
    assertThat(started.status()).as(started.body().toString()).isEqualTo(200);
    String jobId = started.result().get("id").asText();
    assertThat(started.result().get("reason").asText()).isEqualTo("incident 42");
    assertThat(started.result().get("request_id").asText()).isEqualTo("start-req-1");
    assertThat(started.result().get("actor").get("type").asText()).isEqualTo("token");
    assertThat(started.result().get("actor").get("name").asText()).isEqualTo("ops-oncall");
    awaitEnded(wf, jobId);

    for (String id : List.of("i0", "i2")) {
      List<JsonNode> history = list(api.get(wf + "/instances/" + id + "/history").result());
      JsonNode pause = history.getLast();
      assertThat(pause.get("to").asText()).isEqualTo("paused");
      assertThat(pause.get("trigger").asText()).isEqualTo("pause");
      assertThat(pause.get("actor").get("type").asText()).isEqualTo("bulk_job");
      assertThat(pause.get("actor").get("id").asText()).isEqualTo(jobId);
      assertThat(pause.get("actor").get("name").asText()).isEqualTo("ops-oncall");
      assertThat(pause.get("reason").asText()).isEqualTo("incident 42");
      assertThat(pause.get("request_id").asText()).isEqualTo("start-req-1");
      assertThat(history.stream().filter(h -> h.get("to").asText().equals("paused"))).hasSize(1);
    }
    assertThat(list(api.get(wf + "/instances/i1/history").result())).hasSize(1);

    String cancelled =
        ops.send("DELETE", wf + "/bulk/" + jobId, null, null, Map.of("X-Request-Id", "cancel-1"))
            .body()
            .toString();
    assertThat(cancelled).contains(jobId);
    List<JsonNode> audit =
        list(
            api.get(ACCOUNT + "/audit?workflow=" + wf.substring(wf.lastIndexOf('/') + 1)).result());
    assertThat(audit)
        .anySatisfy(
            e -> {
              assertThat(e.get("action").asText()).isEqualTo("bulk.start");
              assertThat(e.get("request_id").asText()).isEqualTo("start-req-1");
              assertThat(e.get("reason").asText()).isEqualTo("incident 42");
              assertThat(e.get("actor").get("name").asText()).isEqualTo("ops-oncall");
            })
        .anySatisfy(
            e -> {
              assertThat(e.get("action").asText()).isEqualTo("bulk.cancel");
              assertThat(e.get("request_id").asText()).isEqualTo("cancel-1");
            });
  }

  @Test
  void aRepeatedStartWithItsIdempotencyKeyAnswersTheFirstJobAndStartsNoOther() {
    String wf = workflowWith(4);
    String body = "{\"action\":\"terminate\",\"reason\":\"body wins\"}";
    Map<String, String> key =
        Map.of("Idempotency-Key", "bulk-once-1", "X-Stepflow-Reason", "header loses");
    ApiResponse first = api.send("POST", wf + "/bulk", body, "application/json", key);
    ApiResponse again = api.send("POST", wf + "/bulk", body, "application/json", key);

    assertThat(first.status()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.result().get("id").asText()).isEqualTo(first.result().get("id").asText());
    assertThat(first.result().get("reason").asText()).isEqualTo("body wins");
    assertThat(api.get(wf + "/bulk").result()).hasSize(1);
    awaitEnded(wf, first.result().get("id").asText());
    for (int i = 0; i < 4; i++) {
      List<JsonNode> history = list(api.get(wf + "/instances/i" + i + "/history").result());
      assertThat(history.stream().filter(h -> h.get("to").asText().equals("terminated")))
          .hasSize(1);
    }

    ApiResponse other =
        api.send("POST", wf + "/bulk", "{\"action\":\"pause\"}", "application/json", key);
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.errorCode()).isEqualTo(10422);
    assertThat(api.get(wf + "/bulk").result()).hasSize(1);
  }

  private static List<JsonNode> list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  @Test
  void readTokensMayReadJobsButNotStartOrCancelThem() {
    String wf = workflowWith(2);
    String jobId = start(wf, "{\"action\":\"pause\",\"dry_run\":true}").get("id").asText();
    ApiClient reader = api.withToken(server().addToken("reader", Permission.READ));

    assertThat(reader.get(wf + "/bulk").status()).isEqualTo(200);
    assertThat(reader.get(wf + "/bulk/" + jobId).status()).isEqualTo(200);
    assertThat(reader.get(wf + "/bulk/" + jobId + "/items").status()).isEqualTo(200);
    ApiResponse post = reader.post(wf + "/bulk", "{\"action\":\"pause\"}");
    assertThat(post.status()).isEqualTo(403);
    assertThat(post.errorCode()).isEqualTo(10003);
    assertThat(reader.delete(wf + "/bulk/" + jobId).status()).isEqualTo(403);
    assertThat(api.get(wf + "/bulk").result()).hasSize(1);
  }

  @Test
  void jobsAreListedNewestFirstByCursor() {
    String wf = workflowWith(1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(0, start(wf, "{\"action\":\"pause\",\"dry_run\":true}").get("id").asText());
    }
    ApiResponse first = api.get(wf + "/bulk?per_page=3");
    assertThat(first.body().get("result_info").get("total_count").asInt()).isEqualTo(5);
    String cursor = first.body().get("result_info").get("cursor").asText();
    ApiResponse second = api.get(wf + "/bulk?per_page=3&cursor=" + cursor);
    assertThat(second.body().get("result_info").has("cursor")).isFalse();
    List<String> listed = new ArrayList<>();
    first.result().forEach(n -> listed.add(n.get("id").asText()));
    second.result().forEach(n -> listed.add(n.get("id").asText()));
    assertThat(listed).containsExactlyElementsOf(ids);
    assertThat(
            StreamSupport.stream(api.get(wf + "/bulk?state=running").result().spliterator(), false))
        .isEmpty();
  }
}
