package dev.stepflow.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.AppliedMove;
import dev.stepflow.store.BulkJobContract;
import dev.stepflow.store.ClusterSignals;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.Started;
import dev.stepflow.store.InstanceStore.MoveResult;
import dev.stepflow.store.LeaseContract;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.jdbc.JdbcWorkflowStore;
import dev.stepflow.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The store contract (with its leases) on a real PostgreSQL server with fsync on, plus what only a
 * shared database has: several nodes (each its own pool) writing and claiming the same instances at
 * once, and hearing each other's changes.
 */
class PostgresStoreIT extends BulkJobContract {
  private static final int POOL_SIZE = 8;

  /** One database per test folder, so that reopening a folder reopens its database. */
  private final Map<Path, String> databases = new HashMap<>();

  @Override
  protected Database open(Path dir) {
    String url = databases.computeIfAbsent(dir, d -> TestPostgres.shared().createDatabase());
    return PostgresDatabase.open(url, TestPostgres.USER, null, POOL_SIZE);
  }

  @Test
  void twoNodesRacingActionsOnOneInstanceLeaveOneValidHistory() throws Exception {
    try (Database nodeA = open(dir);
        Database nodeB = open(dir)) {
      List<JdbcInstanceStore> nodes =
          List.of(new JdbcInstanceStore(nodeA), new JdbcInstanceStore(nodeB));
      InstanceRef ref =
          nodes
              .get(0)
              .createInstances(WF, List.of(new NewInstance("shared", null)), "t", T0)
              .getFirst()
              .ref();
      List<Action> actions = List.of(Action.PAUSE, Action.RESUME, Action.TERMINATE, Action.RESTART);
      List<MoveResult> results = Collections.synchronizedList(new ArrayList<>());
      runTogether(
          6,
          t -> {
            JdbcInstanceStore node = nodes.get(t % 2);
            for (int i = 0; i < 20; i++) {
              Action action = actions.get((t + i) % actions.size());
              results.add(
                  node.decideAndMove(
                          ref,
                          status -> Transitions.TABLE.decide(status, action),
                          "node" + (t % 2),
                          T0.plusMillis(i),
                          Optional.empty())
                      .result());
            }
          });

      assertThat(results).doesNotContain(MoveResult.NOT_CURRENT);
      List<StatusChange> history = nodes.get(1).history(ref);
      assertThat(history).hasSize(1 + Collections.frequency(results, MoveResult.APPLIED));
      for (int i = 1; i < history.size(); i++) {
        assertThat(history.get(i).from()).isEqualTo(history.get(i - 1).to());
      }
    }
  }

  @Test
  void twoNodesClaimingTheSameDueInstancesStartEachOnce() throws Exception {
    try (Database nodeA = open(dir);
        Database nodeB = open(dir)) {
      int count = 30;
      new JdbcInstanceStore(nodeA)
          .createInstances(
              WF,
              IntStream.range(0, count).mapToObj(i -> new NewInstance("due-" + i, null)).toList(),
              "t",
              T0);
      List<JdbcEngineStore> nodes = List.of(new JdbcEngineStore(nodeA), new JdbcEngineStore(nodeB));
      List<Started> started = Collections.synchronizedList(new ArrayList<>());
      runTogether(
          2,
          t -> {
            for (int round = 0; round < 5; round++) {
              started.addAll(
                  nodes
                      .get(t)
                      .claimDue(T0, 10, owner("node" + t), SCRIPTED, LeaseContract::startMove));
            }
          });

      assertThat(started)
          .extracting(s -> s.lease().instanceSeq())
          .as("every instance was started, and by one node only")
          .hasSize(count)
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void aClaimSkipsTheInstancesAnotherTransactionHoldsInsteadOfWaitingForThem() throws Exception {
    try (Database node = open(dir)) {
      List<Instance> created =
          new JdbcInstanceStore(node)
              .createInstances(
                  WF,
                  IntStream.range(0, 6).mapToObj(i -> new NewInstance("held-" + i, null)).toList(),
                  "t",
                  T0);
      String url = databases.get(dir);
      try (Connection other = DriverManager.getConnection(url, TestPostgres.USER, null)) {
        other.setAutoCommit(false);
        try (Statement st = other.createStatement()) {
          // another node's claim in progress: it holds the first three rows until it commits
          st.executeQuery(
              "SELECT seq FROM instance WHERE seq IN ("
                  + created.get(0).seq()
                  + ", "
                  + created.get(1).seq()
                  + ", "
                  + created.get(2).seq()
                  + ") FOR NO KEY UPDATE");
        }
        long t0 = System.nanoTime();
        List<Started> started =
            new JdbcEngineStore(node)
                .claimDue(T0, 10, owner("b"), SCRIPTED, LeaseContract::startMove);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(started)
            .extracting(s -> s.candidate().instance().ref().instanceId())
            .containsExactly("held-3", "held-4", "held-5");
        assertThat(millis).as("the claim did not wait for the held rows").isLessThan(5_000);
        other.rollback();
      }
    }
  }

  @Test
  void nodesClaimingAtOnceNeverStartMoreThanAWorkflowsConcurrencyLimit() throws Exception {
    try (Database nodeA = open(dir);
        Database nodeB = open(dir);
        Database nodeC = open(dir)) {
      WorkflowRef limited = new WorkflowRef("acct", "limited");
      new JdbcWorkflowStore(nodeA)
          .putWorkflow(
              limited,
              new WorkflowDefinition("Scripted", "s", 100, new Retention(null, null), 3),
              T0);
      new JdbcInstanceStore(nodeA)
          .createInstances(
              limited,
              IntStream.range(0, 30).mapToObj(i -> new NewInstance("l-" + i, null)).toList(),
              "t",
              T0);
      List<JdbcEngineStore> nodes =
          List.of(
              new JdbcEngineStore(nodeA), new JdbcEngineStore(nodeB), new JdbcEngineStore(nodeC));
      List<Started> started = Collections.synchronizedList(new ArrayList<>());
      runTogether(
          6,
          t -> {
            for (int round = 0; round < 5; round++) {
              started.addAll(
                  nodes
                      .get(t % 3)
                      .claimDue(T0, 2, owner("n" + t), SCRIPTED, LeaseContract::startMove));
            }
          });
      assertThat(started).as("claims across three nodes, limit 3").hasSize(3);
    }
  }

  @Test
  void everyNodeHearsAMoveWithRuntimeEffectsOnceItCommittedAndNewWork() throws Exception {
    try (Database nodeA = open(dir);
        Database nodeB = open(dir);
        ClusterSignals signals = nodeB.signals()) {
      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      signals.listen(
          new ClusterSignals.Listener() {
            @Override
            public void workAvailable() {
              heard.add("work");
            }

            @Override
            public void moved(AppliedMove applied) {
              heard.add(
                  "moved "
                      + applied.instanceSeq()
                      + " "
                      + applied.move().from()
                      + " "
                      + applied.move().trigger().label());
            }

            @Override
            public void resync() {
              heard.add("resync");
            }
          });
      assertThat(heard.poll(10, TimeUnit.SECONDS)).as("listening").isEqualTo("resync");
      JdbcInstanceStore instances = new JdbcInstanceStore(nodeA);
      Instance x =
          instances.createInstances(WF, List.of(new NewInstance("x", null)), "t", T0).getFirst();
      assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("work");
      Decision pause = Transitions.TABLE.decide(Status.QUEUED, Action.PAUSE);
      instances.decideAndMove(x.ref(), s -> pause, "t", T0, Optional.empty());
      assertThat(heard.poll(1, TimeUnit.SECONDS))
          .as("pausing a queued instance leaves the runtime nothing to do: no signal")
          .isNull();
      Decision resume = Transitions.TABLE.decide(Status.PAUSED, Action.RESUME);
      instances.decideAndMove(x.ref(), s -> resume, "t", T0, Optional.empty());
      assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("moved " + x.seq() + " PAUSED resume");
      Decision refused = Transitions.TABLE.decide(Status.QUEUED, Action.RESUME);
      instances.decideAndMove(x.ref(), s -> refused, "t", T0, Optional.empty());
      assertThat(heard.poll(1, TimeUnit.SECONDS)).as("a no-op changes nothing: no signal").isNull();
    }
  }

  @Test
  void aMoveWritesOneCountRowThatCountsForBothItsStatuses() {
    InstanceRef ref = create("counted").ref();
    JdbcEngineStore engine = new JdbcEngineStore(db());
    engine.foldInstanceCounts();
    assertThat(move(ref, Status.QUEUED, Action.PAUSE, T0)).isEqualTo(MoveResult.APPLIED);

    assertThat(countRows(db(), "SELECT COUNT(*) FROM instance_count_change")).isEqualTo(1);
    assertThat(keptCounts(db())).containsEntry("queued", 0L).containsEntry("paused", 1L);
    engine.foldInstanceCounts();
    assertThat(countRows(db(), "SELECT COUNT(*) FROM instance_count_change")).isZero();
    assertThat(keptCounts(db())).containsEntry("queued", 0L).containsEntry("paused", 1L);
  }

  /**
   * A database of the previous schema (V14) with deltas not folded yet, two rows per move, keeps
   * its counts through V15 (one row per move, the deltas a view) and the folds after it.
   */
  @Test
  void theDeltasOfTheSchemaBeforeOneRowPerMoveCountTheSameAfterIt() throws Exception {
    String url = TestPostgres.shared().createDatabase();
    org.flywaydb.core.Flyway.configure()
        .dataSource(url, TestPostgres.USER, null)
        .locations("classpath:db/migration/postgres")
        .target("14")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, TestPostgres.USER, null);
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO instance_count VALUES ('acct', 'wf', 'queued', 5)");
      st.execute(
          "INSERT INTO instance_count_delta (account_id, workflow_name, status, n) VALUES"
              + " ('acct', 'wf', 'queued', -2), ('acct', 'wf', 'running', 2),"
              + " ('acct', 'wf', 'queued', 3)");
    }
    Map<String, Long> before = Map.of("queued", 6L, "running", 2L);
    try (Database db = PostgresDatabase.open(url, TestPostgres.USER, null, 2)) {
      assertThat(keptCounts(db)).isEqualTo(before);
      new JdbcEngineStore(db).foldInstanceCounts();
      assertThat(keptCounts(db)).isEqualTo(before);
      assertThat(countRows(db, "SELECT COUNT(*) FROM instance_count_change")).isZero();
    }
  }

  /** The counts of workflow WF by status: instance_count plus the deltas. */
  private static Map<String, Long> keptCounts(Database db) {
    return db.read(
        c -> {
          Map<String, Long> counts = new HashMap<>();
          try (Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT status, SUM(n) FROM (SELECT status, n FROM instance_count"
                          + " WHERE account_id = 'acct' AND workflow_name = 'wf' UNION ALL"
                          + " SELECT status, n FROM instance_count_delta"
                          + " WHERE account_id = 'acct' AND workflow_name = 'wf') k GROUP BY status")) {
            while (rs.next()) {
              counts.put(rs.getString(1), rs.getLong(2));
            }
          }
          return counts;
        });
  }

  /** The one number {@code sql} answers, read through {@code db}. */
  private static long countRows(Database db, String sql) {
    return db.read(
        c -> {
          try (Statement st = c.createStatement();
              ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** The migrations the PostgreSQL store has, from the resources they are loaded from. */
  private static long migrations() throws java.io.IOException {
    try (var files =
        java.nio.file.Files.list(
            java.nio.file.Path.of("src/main/resources/db/migration/postgres"))) {
      return files
          .filter(f -> f.getFileName().toString().matches("V\\d+(_\\d+)*__.+\\.sql"))
          .count();
    }
  }

  private static EngineStore.Owner owner(String node) {
    return new EngineStore.Owner(node, T0.plusSeconds(15));
  }

  @Test
  void nodesStartingTogetherOnAnEmptyDatabaseMigrateItOnce() throws Exception {
    String url = TestPostgres.shared().createDatabase();
    List<Database> nodes = Collections.synchronizedList(new ArrayList<>());
    try {
      runTogether(3, t -> nodes.add(PostgresDatabase.open(url, TestPostgres.USER, null, 2)));
      int applied =
          nodes
              .getFirst()
              .read(
                  c -> {
                    try (var st = c.createStatement();
                        var rs =
                            st.executeQuery(
                                "SELECT COUNT(*) FROM flyway_schema_history WHERE success")) {
                      rs.next();
                      return rs.getInt(1);
                    }
                  });
      assertThat((long) applied).as("every migration applied once").isEqualTo(migrations());
    } finally {
      nodes.forEach(Database::close);
    }
  }

  @Test
  void sessionsCommitSynchronouslyEvenWhereTheDatabaseTurnedItOff() throws Exception {
    assertThat(synchronousCommitOfASessionWhenTheDatabaseSays("off")).isEqualTo("on");
    assertThat(synchronousCommitOfASessionWhenTheDatabaseSays("remote_apply"))
        .as("a stronger setting is kept")
        .isEqualTo("remote_apply");
  }

  private static String synchronousCommitOfASessionWhenTheDatabaseSays(String setting)
      throws Exception {
    String url = TestPostgres.shared().createDatabase();
    String name = url.substring(url.lastIndexOf('/') + 1);
    try (Connection admin = DriverManager.getConnection(url, TestPostgres.USER, null);
        Statement st = admin.createStatement()) {
      st.execute("ALTER DATABASE " + name + " SET synchronous_commit = " + setting);
    }
    try (Database db = PostgresDatabase.open(url, TestPostgres.USER, null, 1)) {
      return db.write(
          c -> {
            try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
              rs.next();
              return rs.getString(1);
            }
          });
    }
  }
}
