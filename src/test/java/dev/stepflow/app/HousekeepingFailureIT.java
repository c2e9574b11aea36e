package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose housekeeping fails every second (here PostgreSQL refuses every fold of the instance
 * counts, as it does to a node of an older version on a schema a newer one migrated) still claims
 * and runs instances, and says once what fails.
 */
class HousekeepingFailureIT {
  private static final String WF = "/client/v4/accounts/acc1/workflows/kept";

  @TempDir Path work;

  @Test
  void aNodeWhoseHousekeepingFailsStillRunsInstances() throws Exception {
    try (TestCluster cluster = TestCluster.start(work, List.of("h-a"), List.of())) {
      try (Connection c = cluster.connect();
          Statement st = c.createStatement()) {
        st.execute(
            """
            CREATE FUNCTION refuse_fold() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the test refuses every fold';
            END;
            $$""");
        st.execute(
            "CREATE TRIGGER refuse_fold BEFORE DELETE ON instance_count_change"
                + " FOR EACH STATEMENT EXECUTE FUNCTION refuse_fold()");
      }
      TestCluster.Node node = cluster.node("h-a");
      Path log = node.process().stderrFile();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(log).contains("the test refuses every fold"));

      ApiClient api = node.client();
      assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"k\"}").status())
          .isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        String body =
            "{\"instance_id\":\"k"
                + i
                + "\",\"params\":{\"steps\":[{\"do\":\"a\"},{\"do\":\"b\"}]}}";
        assertThat(api.post(WF + "/instances", body).status()).isEqualTo(200);
        // a few housekeeping passes apart, each of which fails
        Thread.sleep(1_500);
      }
      for (int i = 0; i < 3; i++) {
        String instance = WF + "/instances/k" + i;
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> "complete".equals(api.get(instance).result().path("status").asText()));
      }

      String logged = Files.readString(log);
      assertThat(logged)
          .as("the failure is said once, with its cause, not every second")
          .containsOnlyOnce("Housekeeping failed: folding the instance counts");
      assertThat(logged).doesNotContain("Dispatching failed");
    }
  }
}
