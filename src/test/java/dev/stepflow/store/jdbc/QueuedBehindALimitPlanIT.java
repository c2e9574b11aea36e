package dev.stepflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Retention;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.LeaseContract;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's reads of queued and woken instances do not walk the instances waiting behind a
 * workflow at its concurrency limit. Until migration V17 it skipped them one by one, counting their
 * workflow's runs for each: with 50,000 queued behind a limit of 2, every pass read all of them
 * before reaching anything it could start
 * (bench/results/engine-2026-12-05-waiting-behind-a-limit.md). Checked on both stores with 2,000
 * instances queued and 2,000 due timers behind a full limit of 2, and 5 of each of another workflow
 * after them: the claim starts those 10, and the next wake the dispatcher waits for is theirs;
 * SQLite's plans search the indexes of each kind, and PostgreSQL's own account of each read
 * (EXPLAIN ANALYZE, BUFFERS) shows a handful of pages.
 */
class QueuedBehindALimitPlanIT {
  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final Instant FREE_WAKE = T0.plusSeconds(1);
  private static final Instant NOW = T0.plusSeconds(2);
  private static final WorkflowRef LIMITED = new WorkflowRef("acct", "limited");
  private static final WorkflowRef FREE = new WorkflowRef("acct", "free");
  private static final int BLOCKED = 2_000;
  private static final int FREE_INSTANCES = 5;
  private static final EngineStore.Classes SCRIPTED = EngineStore.Classes.of(List.of("Scripted"));

  /**
   * Far fewer than walking the blocked instances touches. On 2026-12-05 the read of the 5 free
   * queued instances, with their versions' lookups, touched 46 buffers, and the read of the
   * workflows with room 3; the read before V17 (queued instances in queue order, each checked for
   * room) touched 4,097 to reach the same 5.
   */
  private static final long READ_BUFFERS = 100;

  @Test
  void onSqliteTheReadsSearchTheIndexesOfEachKind(@TempDir Path dir) throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(dir, SqliteDatabase.Durability.PROCESS_CRASH)) {
      fill(db);
      List<String> reads = CandidateQueries.queuedReads();
      assertThat(plan(db, reads.get(0), 10)).containsPattern("(?m)USING INDEX instance_queued$");
      assertThat(plan(db, reads.get(2), "acct", "limited", 10))
          .contains("USING INDEX instance_queued_limited (account_id=? AND workflow_name=?)");
      assertThat(plan(db, reads.get(3), NOW, 10))
          .contains("USING INDEX instance_sleeping (wake_at<?)");
      assertThat(plan(db, reads.get(4), "acct", "limited", NOW, 10))
          .contains(
              "USING INDEX instance_sleeping_limited"
                  + " (account_id=? AND workflow_name=? AND wake_at<?)");
      assertTheFreeOnesComeFirst(db);
    }
  }

  @Test
  void onPostgresTheReadsTouchAHandfulOfPages() throws Exception {
    String url = TestPostgres.shared().createDatabase();
    try (PostgresDatabase db = PostgresDatabase.open(url, TestPostgres.USER, null, 4)) {
      fill(db);
      try (Connection c = DriverManager.getConnection(url, TestPostgres.USER, null)) {
        try (Statement st = c.createStatement()) {
          st.execute("ANALYZE");
        }
        List<String> reads = CandidateQueries.queuedReads();
        assertThat(ExplainedBuffers.of(c, reads.get(0), 10)).isLessThan(READ_BUFFERS);
        assertThat(ExplainedBuffers.of(c, reads.get(1))).isLessThan(READ_BUFFERS);
        assertThat(ExplainedBuffers.of(c, reads.get(3), NOW, 10)).isLessThan(READ_BUFFERS);
      }
      assertTheFreeOnesComeFirst(db);
    }
  }

  /**
   * Behind a limit of 2 held by two runs: {@link #BLOCKED} queued, and as many waiting with their
   * timers due at T0; then, of another workflow, as many queued and waiting until {@link
   * #FREE_WAKE} as {@link #FREE_INSTANCES}. The waits are set in SQL: the limit would not let the
   * instances run to their sleeps.
   */
  private static void fill(Database db) {
    JdbcWorkflowStore workflows = new JdbcWorkflowStore(db);
    workflows.putWorkflow(
        LIMITED, new WorkflowDefinition("Scripted", "s", 100, Retention.FOREVER, 2), T0);
    workflows.putWorkflow(
        FREE, new WorkflowDefinition("Scripted", "s", 100, Retention.FOREVER), T0);
    JdbcInstanceStore instances = new JdbcInstanceStore(db);
    InstanceBatches.create(instances, LIMITED, "l", BLOCKED + 2, T0);
    InstanceBatches.create(instances, LIMITED, "w", BLOCKED, T0);
    InstanceBatches.create(instances, FREE, "f", FREE_INSTANCES, T0.plusMillis(1));
    InstanceBatches.create(instances, FREE, "s", FREE_INSTANCES, T0.plusMillis(1));
    JdbcEngineStore engine = new JdbcEngineStore(db);
    assertThat(engine.claimDue(T0, 2, owner(), SCRIPTED, LeaseContract::startMove))
        .extracting(s -> s.candidate().instance().ref().instanceId())
        .containsExactly("l0", "l1");
    sleep(db, LIMITED, "w%", T0);
    sleep(db, FREE, "s%", FREE_WAKE);
  }

  private static void sleep(Database db, WorkflowRef workflow, String ids, Instant until) {
    db.write(
        c ->
            Columns.execute(
                c,
                "UPDATE instance SET status = 'waiting', wake_at = ?"
                    + " WHERE workflow_name = ? AND instance_id LIKE ?",
                until,
                workflow.workflowName(),
                ids));
  }

  private static void assertTheFreeOnesComeFirst(Database db) {
    JdbcEngineStore engine = new JdbcEngineStore(db);
    assertThat(engine.nextWake())
        .as("the blocked timers, due earlier, do not keep the dispatcher from waiting")
        .contains(FREE_WAKE);
    assertThat(engine.claimDue(NOW, 100, owner(), SCRIPTED, LeaseContract::startMove))
        .extracting(s -> s.candidate().instance().ref().instanceId())
        .containsExactlyInAnyOrder("s0", "s1", "s2", "s3", "s4", "f0", "f1", "f2", "f3", "f4");
  }

  private static Owner owner() {
    return new Owner("node", NOW.plusSeconds(60));
  }

  private static String plan(Database db, String read, Object... values) {
    return db.read(c -> sqlitePlan(c, read, values));
  }

  private static String sqlitePlan(Connection c, String read, Object... values)
      throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps =
            Columns.bind(c.prepareStatement("EXPLAIN QUERY PLAN " + read), values);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        plan.append(rs.getString("detail")).append('\n');
      }
    }
    return plan.toString();
  }
}
