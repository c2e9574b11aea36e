package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bulk job is cluster-wide: two packaged nodes share one PostgreSQL database (leases of {@value
 * #LEASE_SECONDS} s); a pause job by filter over {@value #INSTANCES} instances, started on node-a,
 * is worked there until node-a is killed with SIGKILL, and node-b takes it over once node-a's lease
 * has ended and finishes it. Each queued instance is paused exactly once, by the job (its status
 * history, read from the database); the terminated ones the filter also selected are skipped with
 * the 409 code a pause of them gets.
 */
class BulkJobClusterIT {
  static final int LEASE_SECONDS = 2;
  private static final String WF = "/client/v4/accounts/cluster/workflows/bulk";
  private static final int INSTANCES = 10_000;
  private static final int TERMINATED = 100;
  private static final int RATE = 10_000;
  private static final int KILL_AFTER = 2_000;

  @TempDir Path work;

  @Test
  void whenTheOwnerIsKilledAnotherNodeTakesTheJobOverAndAppliesEachItemOnce() throws Exception {
    try (TestCluster cluster =
        TestCluster.start(
            work,
            List.of("node-a", "node-b"),
            List.of(
                "--max-running", "0",
                "--create-rate-per-account", "0",
                "--create-rate-per-workflow", "0",
                "--lease-seconds", Integer.toString(LEASE_SECONDS)))) {
      ApiClient a = cluster.node("node-a").client();
      ApiClient b = cluster.node("node-b").client();
      a.createScriptedInstances(WF, INSTANCES);
      for (int i = 0; i < TERMINATED; i++) {
        ApiResponse terminated =
            a.patch(WF + "/instances/i" + i + "/status", "{\"status\":\"terminate\"}");
        assertThat(terminated.status()).isEqualTo(200);
      }
      ApiResponse started =
          a.post(
              WF + "/bulk",
              "{\"action\":\"pause\",\"filter\":{\"status\":[\"queued\",\"terminated\"]},"
                  + "\"max_per_second\":"
                  + RATE
                  + "}");
      assertThat(started.status()).as("%s", started.body()).isEqualTo(200);
      String jobId = started.result().get("id").asText();
      AtomicInteger seen = new AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> seen.updateAndGet(n -> job(b, jobId).get("applied").asInt()) >= KILL_AFTER);
      assertThat(owner(cluster, jobId)).as("the job runs where it was created").isEqualTo("node-a");

      assertThat(cluster.node("node-a").process().kill()).isEqualTo(137);
      long killed = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> "node-b".equals(owner(cluster, jobId)) || ended(b, jobId));
      long takenOver = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> ended(b, jobId));

      JsonNode done = job(b, jobId);
      assertThat(done.get("state").asText()).isEqualTo("complete");
      assertThat(done.get("matched").asInt()).isEqualTo(INSTANCES);
      assertThat(done.get("applied").asInt()).isEqualTo(INSTANCES - TERMINATED);
      assertThat(done.get("skipped").asInt()).isEqualTo(TERMINATED);
      assertThat(done.get("failed").asInt()).isZero();
      assertThat(pausesByInstance(cluster, jobId))
          .as("pause rows per instance, all by the job")
          .hasSize(INSTANCES - TERMINATED)
          .allSatisfy((id, rows) -> assertThat(rows).as(id).isEqualTo(1))
          .doesNotContainKey("i0");
      ApiResponse skipped = b.get(WF + "/bulk/" + jobId + "/items?outcome=skipped&per_page=1000");
      assertThat(skipped.result())
          .hasSize(TERMINATED)
          .allSatisfy(item -> assertThat(item.get("code").asInt()).isEqualTo(10402));
      System.out.printf(
          "BulkJobClusterIT: %d items at %d/s; node-a killed after >= %d applied; node-b took"
              + " the job over %d ms later (lease %d s) and finished it%n",
          INSTANCES, RATE, seen.get(), (takenOver - killed) / 1_000_000, LEASE_SECONDS);
    }
  }

  private static boolean ended(ApiClient api, String jobId) {
    return !job(api, jobId).get("state").asText().equals("running");
  }

  private static JsonNode job(ApiClient api, String jobId) {
    ApiResponse job = api.get(WF + "/bulk/" + jobId);
    assertThat(job.status()).as("%s", job.body()).isEqualTo(200);
    return job.result();
  }

  private static String owner(TestCluster cluster, String jobId) throws Exception {
    try (Connection c = cluster.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT owner_node FROM bulk_job WHERE job_id = ?")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Per instance, how many pause rows its history has, all made by the job's actor. */
  private static Map<String, Integer> pausesByInstance(TestCluster cluster, String jobId)
      throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection c = cluster.connect();
        PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT i.instance_id, sc.actor FROM status_change sc
                  JOIN instance i ON i.seq = sc.instance_seq
                 WHERE i.workflow_name = 'bulk' AND sc.trigger_name = ?""")) {
      ps.setString(1, "pause");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          assertThat(rs.getString(2)).isEqualTo("bulk:" + jobId);
          counts.merge(rs.getString(1), 1, Integer::sum);
        }
      }
    }
    return counts;
  }
}
