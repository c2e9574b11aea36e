package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of the packaged server, without a token: known work moves its counters by
 * exactly what it did, the number of series does not grow with the number of instances, and
 * promtool accepts a real scrape.
 */
class MetricsIT {
  private static final String ACCOUNT = "/client/v4/accounts/acc1";
  private static final String SLEEP = "{\"steps\":[{\"sleep\":\"nap\",\"ms\":600000}]}";
  private static final String FAILS_ONCE =
      "{\"steps\":[{\"do\":\"charge\",\"fail\":1,"
          + "\"retries\":{\"limit\":2,\"delay\":100,\"backoff\":\"constant\"}}]}";

  /** Cleaned by JUnit after the class, once the server stopped. */
  @TempDir static Path dir;

  private static StepflowProcess server;
  private static ApiClient api;

  @BeforeAll
  static void start() throws IOException {
    // no creation rate limit: the series test creates 500 instances at once
    server =
        StepflowProcess.start(
            dir.resolve("data"),
            dir,
            "metrics",
            List.of("--create-rate-per-account", "0", "--create-rate-per-workflow", "0"));
    api = server.client();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void knownWorkMovesItsCountersByExactlyWhatItDid() {
    String wf = workflow("known");
    create(wf, "sleeper", SLEEP);
    awaitStatus(wf + "/instances/sleeper", "waiting");
    Scrape before = Scrape.of(server.origin());

    assertThat(api.patch(wf + "/instances/sleeper/status", "{\"status\":\"pause\"}").status())
        .isEqualTo(200);
    create(wf, "flaky", FAILS_ONCE);
    awaitStatus(wf + "/instances/flaky", "complete");
    assertThat(api.patch(wf + "/instances/flaky/status", "{\"status\":\"resume\"}").status())
        .isEqualTo(409);
    Scrape after = Scrape.of(server.origin());

    String changes = "stepflow_status_changes_total";
    assertThat(delta(before, after, changes, "action", "pause", "outcome", "applied")).isEqualTo(1);
    assertThat(
            delta(
                before, after, changes, "action", "resume", "outcome", "rejected", "code", "10403"))
        .isEqualTo(1);
    assertThat(sum(after, changes) - sum(before, changes)).as("every status change").isEqualTo(2);
    String attempts = "stepflow_step_attempts_total";
    assertThat(delta(before, after, attempts, "kind", "do", "outcome", "failure")).isEqualTo(1);
    assertThat(delta(before, after, attempts, "kind", "do", "outcome", "success")).isEqualTo(1);
    assertThat(
            delta(
                before,
                after,
                "stepflow_step_duration_seconds_count",
                "kind",
                "do",
                "outcome",
                "failure"))
        .isEqualTo(1);
    String requests = "stepflow_http_server_requests_seconds_count";
    String statusRoute =
        "/accounts/{account_id}/workflows/{workflow_name}/instances/{instance_id}/status";
    assertThat(
            delta(
                before, after, requests, "method", "PATCH", "route", statusRoute, "status", "200"))
        .isEqualTo(1);
    assertThat(
            delta(
                before, after, requests, "method", "PATCH", "route", statusRoute, "status", "409"))
        .isEqualTo(1);
    // the one failed attempt is retried after its 100 ms delay: a timer that came due
    assertThat(delta(before, after, "stepflow_step_retries_total", "kind", "do")).isEqualTo(1);
    assertThat(delta(before, after, "stepflow_timer_lag_seconds_count")).isEqualTo(1);
    double commits = delta(before, after, "stepflow_store_commit_seconds_count");
    assertThat(commits).isPositive();
    assertThat(delta(before, after, "stepflow_store_commit_writes_sum"))
        .isGreaterThanOrEqualTo(commits);
    assertThat(after.value("stepflow_nodes")).isEqualTo(1);
    assertThat(after.value("stepflow_ready")).isEqualTo(1);
    assertThat(after.matching("stepflow_runs_active")).hasSize(1);
    assertThat(after.value("stepflow_run_slots_free")).isPositive();
    assertThat(after.matching("hikaricp_connections_max")).isNotEmpty();
    assertThat(after.matching("jvm_memory_used_bytes")).isNotEmpty();
    assertThat(after.value("jetty_connections_current_connections", "connector_name", "api"))
        .isPositive();
  }

  @Test
  void theSeriesDoNotGrowWithTheInstances() {
    String wf = workflow("many");
    createSleepers(wf, 0, 50);
    Scrape fifty = awaitInstances("many", 50);
    createSleepers(wf, 50, 500);
    Scrape fiveHundred = awaitInstances("many", 500);

    assertThat(fiveHundred.count("stepflow_")).isEqualTo(fifty.count("stepflow_"));
    assertThat(fiveHundred.count("hikaricp_")).isEqualTo(fifty.count("hikaricp_"));
    assertThat(fiveHundred.matching("stepflow_instances", "workflow", "many")).hasSize(9);
  }

  @Test
  void promtoolAcceptsARealScrape() throws IOException, InterruptedException {
    String wf = workflow("checked");
    create(wf, "once", FAILS_ONCE);
    awaitStatus(wf + "/instances/once", "complete");
    Scrape scrape = Scrape.of(server.origin());

    Promtool.Result checked = Promtool.run(List.of("check", "metrics"), scrape.text());
    assertThat(checked.exitCode()).as(checked.output()).isZero();
  }

  @Test
  void theOldestQueuedInstancesAgeGrowsWhileNothingStartsIt() throws IOException {
    // --max-running 0 accepts instances and runs none: the queue cannot drain
    try (StepflowProcess stuck =
        StepflowProcess.start(
            dir.resolve("stuck-data"), dir, "metrics-stuck", List.of("--max-running", "0"))) {
      assertThat(Scrape.of(stuck.origin()).value("stepflow_queue_oldest_age_seconds")).isZero();
      ApiClient stuckApi = stuck.client();
      String wf = ACCOUNT + "/workflows/stuck";
      assertThat(stuckApi.put(wf, "{\"class_name\":\"Scripted\",\"script_name\":\"m\"}").status())
          .isEqualTo(200);
      long created = System.nanoTime();
      assertThat(stuckApi.post(wf + "/instances", "{\"instance_id\":\"q1\"}").status())
          .isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Scrape.of(stuck.origin()).value("stepflow_queue_oldest_age_seconds") >= 1.5);
      double age = Scrape.of(stuck.origin()).value("stepflow_queue_oldest_age_seconds");
      double waited = (System.nanoTime() - created) / 1e9;
      assertThat(age).isBetween(1.5, waited + 1);
    }
  }

  @Test
  void onPostgresTheKeptCountsAndThePoolAreExported() throws IOException {
    TestPostgres postgres = TestPostgres.shared();
    try (StepflowProcess pg =
        StepflowProcess.start(
            dir.resolve("pg-data"),
            dir,
            "metrics-postgres",
            TestPostgres.serveOptions(postgres.createDatabase()))) {
      ApiClient pgApi = pg.client();
      String wf = ACCOUNT + "/workflows/pg";
      assertThat(pgApi.put(wf, "{\"class_name\":\"Scripted\",\"script_name\":\"m\"}").status())
          .isEqualTo(200);
      String batch =
          "[{\"instance_id\":\"a\",\"params\":"
              + SLEEP
              + "},{\"instance_id\":\"b\",\"params\":"
              + SLEEP
              + "}]";
      assertThat(pgApi.post(wf + "/instances/batch", batch).status()).isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  Scrape.of(pg.origin())
                          .value("stepflow_instances", "workflow", "pg", "status", "waiting")
                      == 2);
      Scrape scrape = Scrape.of(pg.origin());
      assertThat(scrape.matching("hikaricp_connections_max", "pool", "stepflow-postgres"))
          .hasSize(1);
    }
  }

  private static String workflow(String name) {
    String path = ACCOUNT + "/workflows/" + name;
    assertThat(api.put(path, "{\"class_name\":\"Scripted\",\"script_name\":\"m\"}").status())
        .isEqualTo(200);
    return path;
  }

  private static void create(String wf, String id, String params) {
    String body = "{\"instance_id\":\"" + id + "\",\"params\":" + params + "}";
    assertThat(api.post(wf + "/instances", body).status()).isEqualTo(200);
  }

  /** Sleeping instances {@code from} to {@code to} (exclusive), in batches of 100. */
  private static void createSleepers(String wf, int from, int to) {
    for (int start = from; start < to; start += 100) {
      StringJoiner batch = new StringJoiner(",", "[", "]");
      for (int i = start; i < Math.min(to, start + 100); i++) {
        batch.add("{\"instance_id\":\"s" + i + "\",\"params\":" + SLEEP + "}");
      }
      assertThat(api.post(wf + "/instances/batch", batch.toString()).status()).isEqualTo(200);
    }
  }

  private static void awaitStatus(String instance, String status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status.equals(api.get(instance).result().get("status").asText()));
  }

  /** Waits until the gauges (read at most every 5 s) count {@code n} instances, sleeping or not. */
  private static Scrape awaitInstances(String workflow, int n) {
    Scrape[] last = new Scrape[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              last[0] = Scrape.of(server.origin());
              return last[0].matching("stepflow_instances", "workflow", workflow).stream()
                      .mapToDouble(Scrape.Series::value)
                      .sum()
                  == n;
            });
    return last[0];
  }

  private static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  private static double sum(Scrape scrape, String name) {
    return scrape.matching(name).stream().mapToDouble(Scrape.Series::value).sum();
  }
}
