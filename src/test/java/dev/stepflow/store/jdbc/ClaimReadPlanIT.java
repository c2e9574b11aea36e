package dev.stepflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.EngineStore;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node's claim reads the oldest queued instances from the queue's index and stops at its batch,
 * however many are queued and whatever the statistics say. The trap, on PostgreSQL: statistics
 * gathered while nearly every instance had ended, then a burst queued. The planner then expects a
 * handful of queued rows, and for a handful a bitmap scan and a sort look cheapest: each claim of
 * 256 read and sorted every queued instance (the engine benchmark's 20,000: 273 ms a claim,
 * 2026-12-05). Checked with PostgreSQL's own account of the read (EXPLAIN ANALYZE), in its custom
 * and its generic plan, and with SQLite's plan.
 */
class ClaimReadPlanIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final WorkflowRef WF = new WorkflowRef("acct", "wf");
  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final EngineStore.Classes SCRIPTED = EngineStore.Classes.of(List.of("Scripted"));
  private static final int ENDED = 1_000;
  private static final int QUEUED = 5_000;
  private static final int BATCH = 256;

  @ParameterizedTest
  @ValueSource(strings = {"auto", "force_generic_plan"})
  void onPostgresTheClaimWalksTheQueueIndexAndStopsAtItsBatch(String planCacheMode)
      throws Exception {
    String url = TestPostgres.shared().createDatabase();
    try (PostgresDatabase db = PostgresDatabase.open(url, TestPostgres.USER, null, 4);
        Connection c = DriverManager.getConnection(url, TestPostgres.USER, null)) {
      sql(c, "ALTER TABLE instance SET (autovacuum_enabled = off)"); // keep the stale statistics
      putWorkflow(db);
      List<Instance> ended = create(db, "ended-", ENDED);
      terminate(db, ended);
      sql(c, "ANALYZE instance"); // the statistics now say: nearly no instance is queued
      create(db, "queued-", QUEUED);

      JsonNode claimRead = claimReadPlan(c, planCacheMode, true);
      assertThat(nodes(claimRead, "Sort")).as("sorts").isEmpty();
      JsonNode queueScan = scanOfInstances(claimRead);
      assertThat(queueScan.path("Node Type").asText()).isEqualTo("Index Scan");
      assertThat(queueScan.path("Index Name").asText()).isEqualTo("instance_queued");
      assertThat(queueScan.path("Actual Rows").asLong()).isEqualTo(BATCH);

      // the trap is real: left to itself, the planner reads every queued instance and sorts them
      JsonNode unguided = claimReadPlan(c, "auto", false);
      assertThat(nodes(unguided, "Sort")).isNotEmpty();
      assertThat(scanOfInstances(unguided).path("Actual Rows").asLong()).isEqualTo(QUEUED);

      List<EngineStore.Started> claimed =
          new JdbcEngineStore(db)
              .claimDue(
                  T0.plusSeconds(1),
                  BATCH,
                  new EngineStore.Owner("node", T0.plusSeconds(30)),
                  SCRIPTED,
                  ClaimReadPlanIT::startMove);
      assertThat(claimed)
          .extracting(s -> s.candidate().instance().ref().instanceId())
          .as("the oldest queued, in queue order")
          .containsExactlyElementsOf(names("queued-", BATCH));
    }
  }

  @Test
  void onSqliteTheClaimWalksTheQueueIndex(@TempDir Path dir) throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(dir, SqliteDatabase.Durability.PROCESS_CRASH)) {
      putWorkflow(db);
      create(db, "queued-", 10);
      String read = CandidateQueries.queuedRead(ClassCondition.among(SCRIPTED), "");
      String plan = db.read(c -> sqlitePlan(c, read));
      assertThat(plan).contains("SCAN i USING INDEX instance_queued").doesNotContain("TEMP B-TREE");
    }
  }

  /**
   * The plan of the claim's read of queued candidates, run in a transaction under the claim's lock
   * (and, when {@code guided}, after the store's statements for index order), then rolled back.
   */
  private static JsonNode claimReadPlan(Connection c, String planCacheMode, boolean guided)
      throws Exception {
    c.setAutoCommit(false);
    try {
      sql(c, "SET LOCAL plan_cache_mode = " + planCacheMode);
      SqlDialect dialect = SqlDialect.POSTGRES;
      if (guided) {
        sql(c, dialect.indexOrder().orElseThrow().before());
      }
      String read =
          CandidateQueries.queuedRead(ClassCondition.among(SCRIPTED), dialect.claimLock());
      try (PreparedStatement ps =
              Columns.bind(
                  c.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + read), "Scripted", BATCH);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return JSON.readTree(rs.getString(1)).get(0).get("Plan");
      }
    } finally {
      c.rollback();
      c.setAutoCommit(true);
    }
  }

  /** The one node of {@code plan} that reads the instance table for candidates (alias i). */
  private static JsonNode scanOfInstances(JsonNode plan) {
    List<JsonNode> scans = new ArrayList<>();
    collect(plan, scans);
    List<JsonNode> ofI = scans.stream().filter(n -> "i".equals(n.path("Alias").asText())).toList();
    assertThat(ofI).as("scans of the candidates").hasSize(1);
    return ofI.getFirst();
  }

  private static List<JsonNode> nodes(JsonNode plan, String type) {
    List<JsonNode> all = new ArrayList<>();
    collect(plan, all);
    return all.stream().filter(n -> type.equals(n.path("Node Type").asText())).toList();
  }

  private static void collect(JsonNode node, List<JsonNode> into) {
    into.add(node);
    for (JsonNode child : node.path("Plans")) {
      collect(child, into);
    }
  }

  private static void putWorkflow(Database db) {
    new JdbcWorkflowStore(db)
        .putWorkflow(WF, new WorkflowDefinition("Scripted", "s", 100, Retention.FOREVER), T0);
  }

  private static List<Instance> create(Database db, String prefix, int n) {
    return InstanceBatches.create(new JdbcInstanceStore(db), WF, prefix, n, T0);
  }

  private static void terminate(Database db, List<Instance> created) {
    JdbcInstanceStore instances = new JdbcInstanceStore(db);
    for (Instance i : created) {
      instances.decideAndMove(
          i.ref(),
          status -> Transitions.TABLE.decide(status, Action.TERMINATE),
          "test",
          T0,
          Optional.empty());
    }
  }

  private static List<String> names(String prefix, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(prefix + i);
    }
    return names;
  }

  private static Optional<Decision.Move> startMove(Status status) {
    return Transitions.TABLE.decide(status, EngineEvent.RUN_STARTED) instanceof Decision.Move m
        ? Optional.of(m)
        : Optional.empty();
  }

  private static String sqlitePlan(Connection c, String read) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps =
            Columns.bind(c.prepareStatement("EXPLAIN QUERY PLAN " + read), "Scripted", BATCH);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        plan.append(rs.getString("detail")).append('\n');
      }
    }
    return plan.toString();
  }

  private static void sql(Connection c, String statement) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
