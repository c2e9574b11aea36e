package dev.stepflow.engine.runtime;

import static java.util.stream.Collectors.counting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.app.StoreSettings;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.EffectLine;
import dev.stepflow.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A store that fails while steps run (on PostgreSQL: the database refuses every write of a step for
 * a while, as when it is unreachable or the pool runs dry) ends the runs, never the instances: once
 * the lease of each run ended, a new run takes its instance over from its last checkpoint and
 * completes it. If the failure reached the runner as the workflow's own, the instances would end
 * errored with nothing in the log.
 */
class StoreFailureIT {
  @RegisterExtension
  static final TestServer server = TestServer.onPostgres().withLeaseTime(Duration.ofSeconds(2));

  private static final String WF = "/client/v4/accounts/outage/workflows/steps";
  private static final int INSTANCES = 6;

  @Test
  void runsWhoseStoreFailsAreTakenOverAndTheirInstancesComplete() throws Exception {
    ApiClient api = server.client();
    assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"o\"}").status())
        .isEqualTo(200);
    StoreSettings store = server.storeSettings();
    try (Connection db = DriverManager.getConnection(store.url(), store.user(), store.password())) {
      installStepWriteSwitch(db);
      List<String> ids = IntStream.range(0, INSTANCES).mapToObj(i -> "o-" + i).toList();
      for (String id : ids) {
        String body =
            "{\"instance_id\":\""
                + id
                + "\",\"params\":{\"steps\":[{\"do\":\"a\",\"ms\":400},{\"do\":\"b\",\"ms\":400},"
                + "{\"do\":\"c\"}]}}";
        assertThat(api.post(WF + "/instances", body).status()).isEqualTo(200);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> ids.stream().allMatch(id -> status(api, id).equals("running")));

      execute(db, "INSERT INTO refuse_step_writes VALUES (true)");
      Thread.sleep(1_500); // every run finishes an attempt meanwhile, and cannot record it
      execute(db, "DELETE FROM refuse_step_writes");

      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> ids.stream().map(id -> status(api, id)).noneMatch(s -> !isEnd(s)));
      for (String id : ids) {
        assertThat(status(api, id)).as("instance %s", id).isEqualTo("complete");
      }
      Map<String, Long> startsPerStep =
          EffectLine.read("node", server.dataDir().resolve("effects.log")).stream()
              .filter(EffectLine::isStart)
              .collect(Collectors.groupingBy(e -> e.instanceId() + "/" + e.step(), counting()));
      assertThat(startsPerStep.values())
          .as("some step ran again: the store refused to record it the first time")
          .anySatisfy(starts -> assertThat(starts).isGreaterThan(1));
    }
  }

  /** A trigger that refuses every write of a step while the switch table has a row. */
  private static void installStepWriteSwitch(Connection db) throws SQLException {
    execute(db, "CREATE TABLE refuse_step_writes (on_ boolean)");
    execute(
        db,
        """
        CREATE FUNCTION refuse_step_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM refuse_step_writes) THEN
                RAISE EXCEPTION 'step writes are switched off by the test' USING ERRCODE = 'XX000';
            END IF;
            RETURN NEW;
        END;
        $$""");
    execute(
        db,
        "CREATE TRIGGER refuse_step_write BEFORE INSERT OR UPDATE ON step"
            + " FOR EACH ROW EXECUTE FUNCTION refuse_step_write()");
  }

  private static void execute(Connection db, String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }

  private static String status(ApiClient api, String id) {
    JsonNode result = api.get(WF + "/instances/" + id).result();
    return result.get("status").asText();
  }

  private static boolean isEnd(String status) {
    return List.of("complete", "errored", "terminated").contains(status);
  }
}
