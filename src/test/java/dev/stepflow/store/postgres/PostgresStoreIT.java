package dev.stepflow.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.Transitions;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.EngineStore.Claim;
import dev.stepflow.store.InstanceStore.MoveResult;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.StoreContract;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL server with fsync on, plus what only a shared database
 * has: several nodes (each its own pool) writing the same instances at once.
 */
class PostgresStoreIT extends StoreContract {
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
      List<RunLease> leases = Collections.synchronizedList(new ArrayList<>());
      runTogether(
          2,
          t -> {
            JdbcEngineStore node = nodes.get(t);
            List<Claim> claims = new ArrayList<>();
            for (Candidate c : node.dueInstances(T0, count)) {
              Decision start =
                  Transitions.TABLE.decide(c.instance().status(), EngineEvent.RUN_STARTED);
              claims.add(new Claim(c, (Decision.Move) start));
            }
            node.claimAll(claims, "node" + t, T0).forEach(l -> l.ifPresent(leases::add));
          });

      assertThat(leases)
          .extracting(RunLease::instanceSeq)
          .as("every instance was started, and by one node only")
          .hasSize(count)
          .doesNotHaveDuplicates();
    }
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
      assertThat(applied).isEqualTo(4);
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
