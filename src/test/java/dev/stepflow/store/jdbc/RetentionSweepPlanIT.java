package dev.stepflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.postgres.PostgresDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention sweep, which runs about once a second, finds the expired instances without reading
 * the instances kept forever. Until migration V16 it read every ended instance and its row to work
 * out when it expired: 11.7 ms of the single SQLite writer's time a pass on average while the
 * complete instances grew to 60,000, and more with every instance kept. Checked on both stores with
 * 2,000 terminated instances kept forever beside 5 whose retention ran out: SQLite's plan searches
 * the expiry indexes, and PostgreSQL's own account of the delete (EXPLAIN ANALYZE, BUFFERS, rolled
 * back) shows the few pages of what expired read, not a walk of every kept instance.
 */
class RetentionSweepPlanIT {
  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final WorkflowRef KEPT = new WorkflowRef("acct", "kept");
  private static final WorkflowRef BRIEF = new WorkflowRef("acct", "brief");
  private static final int KEPT_FOREVER = 2_000;
  private static final int EXPIRING = 5;

  /**
   * Fewer than a walk of the kept instances touches: with the expiry indexes the deletes touched 1
   * and 19 buffers (deleting 5 rows), walking instance_ended to the same end 56 and 73
   * (2026-12-05).
   */
  private static final long SWEEP_BUFFERS = 30;

  @Test
  void onSqliteTheSweepSearchesTheExpiryIndexes(@TempDir Path dir) throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(dir, SqliteDatabase.Durability.PROCESS_CRASH)) {
      fill(db);
      for (String delete : sweep()) {
        String plan = db.read(c -> sqlitePlan(c, delete));
        assertThat(plan)
            .as(delete)
            .containsPattern("SEARCH instance USING INDEX instance_(success|error)_expiry");
      }
      assertSweepDeletesOnlyTheExpired(db);
    }
  }

  @Test
  void onPostgresTheSweepReadsAHandfulOfPages() throws Exception {
    String url = TestPostgres.shared().createDatabase();
    try (PostgresDatabase db = PostgresDatabase.open(url, TestPostgres.USER, null, 4)) {
      fill(db);
      try (Connection c = DriverManager.getConnection(url, TestPostgres.USER, null)) {
        try (Statement st = c.createStatement()) {
          st.execute("ANALYZE instance");
        }
        for (String delete : sweep()) {
          assertThat(postgresBuffers(c, delete)).as(delete).isLessThan(SWEEP_BUFFERS);
        }
      }
      assertSweepDeletesOnlyTheExpired(db);
    }
  }

  private static List<String> sweep() {
    return JdbcEngineStore.expiryDeletes(Retention.SUCCEEDED, Retention.FAILED);
  }

  private static void assertSweepDeletesOnlyTheExpired(Database db) {
    JdbcEngineStore engine = new JdbcEngineStore(db);
    JdbcInstanceStore instances = new JdbcInstanceStore(db);
    assertThat(engine.deleteExpired(T0.plusMillis(500), Retention.SUCCEEDED, Retention.FAILED))
        .as("none expired yet")
        .isZero();
    assertThat(engine.deleteExpired(T0.plusSeconds(2), Retention.SUCCEEDED, Retention.FAILED))
        .isEqualTo(EXPIRING);
    assertThat(instances.findInstance(BRIEF.instance("brief-0"))).isEmpty();
    assertThat(instances.findInstance(KEPT.instance("kept-0"))).isPresent();
    assertThat(instances.findInstance(KEPT.instance("kept-" + (KEPT_FOREVER - 1)))).isPresent();
  }

  /** Terminated instances: {@link #KEPT_FOREVER} without retention, {@link #EXPIRING} with 1 s. */
  private static void fill(Database db) {
    JdbcWorkflowStore workflows = new JdbcWorkflowStore(db);
    workflows.putWorkflow(
        KEPT, new WorkflowDefinition("Scripted", "s", 100, Retention.FOREVER), T0);
    workflows.putWorkflow(
        BRIEF, new WorkflowDefinition("Scripted", "s", 100, new Retention(1_000L, 1_000L)), T0);
    JdbcInstanceStore instances = new JdbcInstanceStore(db);
    terminate(instances, InstanceBatches.create(instances, KEPT, "kept-", KEPT_FOREVER, T0));
    terminate(instances, InstanceBatches.create(instances, BRIEF, "brief-", EXPIRING, T0));
  }

  private static void terminate(JdbcInstanceStore instances, List<Instance> created) {
    for (Instance i : created) {
      instances.decideAndMove(
          i.ref(),
          status -> Transitions.TABLE.decide(status, Action.TERMINATE),
          "test",
          T0,
          Optional.empty());
    }
  }

  private static String sqlitePlan(Connection c, String delete) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + delete)) {
      ps.setLong(1, T0.plusSeconds(2).toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString("detail")).append('\n');
        }
      }
    }
    return plan.toString();
  }

  /** The shared buffers the delete touches, by PostgreSQL's account; the delete is rolled back. */
  private static long postgresBuffers(Connection c, String delete) throws SQLException {
    c.setAutoCommit(false);
    try {
      return ExplainedBuffers.of(c, delete, T0.plusSeconds(2));
    } finally {
      c.rollback();
    }
  }
}
