package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.TestCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database: each counts the live nodes, and the node left after the
 * other is killed with SIGKILL counts the runs it took over, one by one.
 */
class ClusterMetricsIT {
  private static final String WF = "/client/v4/accounts/acc1/workflows/long";
  private static final int INSTANCES = 6;

  @TempDir Path work;

  @Test
  void nodesAreCountedAndTakeoversOfAKilledNodesRunsAreCounted() throws Exception {
    try (TestCluster cluster =
        TestCluster.start(
            work, List.of("m-a", "m-b"), List.of("--lease-seconds", "2", "--max-running", "8"))) {
      TestCluster.Node a = cluster.node("m-a");
      TestCluster.Node b = cluster.node("m-b");
      ApiClient api = a.client();
      assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"m\"}").status())
          .isEqualTo(200);
      StringJoiner batch = new StringJoiner(",", "[", "]");
      for (int i = 0; i < INSTANCES; i++) {
        batch.add(
            "{\"instance_id\":\"l"
                + i
                + "\",\"params\":{\"steps\":[{\"do\":\"x\",\"ms\":120000}]}}");
      }
      assertThat(api.post(WF + "/instances/batch", batch.toString()).status()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> owned(cluster, "m-a") + owned(cluster, "m-b") == INSTANCES);
      assertThat(Scrape.of(a.process().origin()).value("stepflow_nodes")).isEqualTo(2);
      assertThat(Scrape.of(b.process().origin()).value("stepflow_nodes")).isEqualTo(2);
      // whichever node claimed runs is killed; the other has the run slots to take them all
      TestCluster.Node victim = owned(cluster, "m-a") > 0 ? a : b;
      TestCluster.Node survivor = victim == a ? b : a;
      String origin = survivor.process().origin();
      double takenBefore = Scrape.of(origin).value("stepflow_lease_takeovers_total");
      int held = owned(cluster, victim.id());

      victim.process().kill();

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> Scrape.of(origin).value("stepflow_nodes") == 1);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  Scrape.of(origin).value("stepflow_lease_takeovers_total") >= takenBefore + held);
      assertThat(owned(cluster, survivor.id())).isEqualTo(INSTANCES);
      assertThat(Scrape.of(origin).value("stepflow_lease_takeovers_total"))
          .as("each run of the killed node taken over once")
          .isEqualTo(takenBefore + held);
    }
  }

  private static int owned(TestCluster cluster, String node) throws Exception {
    try (Connection c = cluster.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM instance WHERE owner_node = ?")) {
      ps.setString(1, node);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
