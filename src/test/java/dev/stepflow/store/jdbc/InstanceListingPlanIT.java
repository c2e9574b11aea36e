package dev.stepflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.postgres.PostgresDatabase;
import dev.stepflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A page of a workflow's instances costs a page's worth of reads on PostgreSQL, however the rows of
 * the status asked for lie in the table. The trap: the instances of one status are all old (1,000
 * terminated), the newest 10,000 are queued, and the statistics were gathered when the terminated
 * ones were most of the table. Walking the primary key from the newest row and filtering, which the
 * planner chose for plain {@code ORDER BY seq}, reads every queued row before the first terminated
 * one. Read with PostgreSQL's own account of the query (EXPLAIN ANALYZE, BUFFERS), in its custom
 * and its generic plan (what a statement the driver prepared on the server may get).
 */
class InstanceListingPlanIT {
  private static final WorkflowRef WF = new WorkflowRef("acct", "wf");
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  private static final int OLD = 1_000;
  private static final int NEW = 10_000;

  /** Far more than a page needs (a few index pages and heap pages), far less than a scan. */
  private static final long PAGE_BUFFERS = 100;

  private static String url;
  private static PostgresDatabase db;
  private static JdbcInstanceStore instances;

  @BeforeAll
  static void oldTerminatedUnderNewQueued() throws Exception {
    url = TestPostgres.shared().createDatabase();
    db = PostgresDatabase.open(url, TestPostgres.USER, null, 8);
    new JdbcWorkflowStore(db)
        .putWorkflow(
            WF, new WorkflowDefinition("Scripted", "s", 100, new Retention(null, null)), T0);
    instances = new JdbcInstanceStore(db);
    List<Instance> old = create("old-", OLD);
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> terminations = new ArrayList<>();
      for (Instance i : old) {
        terminations.add(
            pool.submit(
                () ->
                    instances.decideAndMove(
                        i.ref(),
                        status -> Transitions.TABLE.decide(status, Action.TERMINATE),
                        "test",
                        T0,
                        Optional.empty())));
      }
      for (Future<?> terminated : terminations) {
        terminated.get(); // a failed move fails the setup, not a later assertion
      }
    }
    sql("ANALYZE instance"); // the statistics now say: nearly every instance is terminated
    create("new-", NEW);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto", "force_generic_plan"})
  void theNewestOfAStatusWhoseRowsAreAllOldIsReadWithoutAScan(String planCacheMode)
      throws Exception {
    InstanceQuery newestTerminated = query(Status.TERMINATED, false, Optional.empty());

    Page<Instance> page = instances.listInstances(newestTerminated);
    assertThat(page.items()).extracting(i -> i.ref().instanceId()).containsExactly("old-999");
    assertThat(page.totalCount()).isEqualTo(OLD);
    assertThat(buffersRead(newestTerminated, planCacheMode)).isLessThan(PAGE_BUFFERS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto", "force_generic_plan"})
  void aPageFarDownTheListIsReadFromItsCursorWithoutAScan(String planCacheMode) throws Exception {
    // the cursor a client holds after paging down to old-1: the page after it is old-0
    long oldest =
        instances
            .listInstances(query(Status.TERMINATED, true, Optional.empty()))
            .items()
            .getFirst()
            .seq();
    InstanceQuery last = query(Status.TERMINATED, false, Optional.of(oldest + 1));

    assertThat(instances.listInstances(last).items())
        .extracting(i -> i.ref().instanceId())
        .containsExactly("old-0");
    assertThat(buffersRead(last, planCacheMode)).isLessThan(PAGE_BUFFERS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto", "force_generic_plan"})
  void theOldestOfAStatusWhoseRowsAreAllNewIsReadWithoutAScan(String planCacheMode)
      throws Exception {
    InstanceQuery oldestQueued = query(Status.QUEUED, true, Optional.empty());

    assertThat(instances.listInstances(oldestQueued).items())
        .extracting(i -> i.ref().instanceId())
        .containsExactly("new-0");
    assertThat(buffersRead(oldestQueued, planCacheMode)).isLessThan(PAGE_BUFFERS);
  }

  private static InstanceQuery query(Status status, boolean ascending, Optional<Long> after) {
    return new InstanceQuery(
        WF, Optional.of(status), Optional.empty(), Optional.empty(), ascending, after, 0, 1);
  }

  /** The shared buffers PostgreSQL touched running the store's query for {@code q}. */
  private static long buffersRead(InstanceQuery q, String planCacheMode) throws SQLException {
    InstanceListing.PageQuery query = InstanceListing.pageQuery(SqlDialect.POSTGRES, q);
    try (Connection c = DriverManager.getConnection(url, TestPostgres.USER, null)) {
      try (Statement st = c.createStatement()) {
        st.execute("SET plan_cache_mode = " + planCacheMode);
      }
      return ExplainedBuffers.of(c, query.sql(), query.values().toArray());
    }
  }

  private static List<Instance> create(String prefix, int n) {
    return InstanceBatches.create(instances, WF, prefix, n, T0);
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, TestPostgres.USER, null);
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
