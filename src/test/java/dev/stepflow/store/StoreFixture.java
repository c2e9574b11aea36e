package dev.stepflow.store;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.InstanceStore.MoveResult;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.jdbc.JdbcWorkflowStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store contracts stand on: a store opened fresh for each test with one workflow in it,
 * the instance and workflow stores on it, and the helpers the contracts share (create, move, run
 * threads together). A subclass says how its store opens ({@link #open}).
 */
public abstract class StoreFixture {
  protected static final WorkflowRef WF = new WorkflowRef("acct", "wf");

  /** The workflow class of {@link #WF}, as the node that claims its instances has it. */
  protected static final EngineStore.Classes SCRIPTED = EngineStore.Classes.of(List.of("Scripted"));

  protected static final Instant T0 = Instant.parse("2026-11-28T10:00:00.000Z");

  /** Where the store keeps its data; {@link #open} of the same folder opens the same data. */
  @TempDir protected Path dir;

  private Database db;
  private JdbcInstanceStore instances;
  private JdbcWorkflowStore workflows;

  /** The store's database as the current test opened it. */
  protected Database db() {
    return db;
  }

  protected JdbcInstanceStore instances() {
    return instances;
  }

  protected JdbcWorkflowStore workflows() {
    return workflows;
  }

  /** Opens (or reopens) the store's database in {@code dir}. */
  protected abstract Database open(Path dir);

  @BeforeEach
  void openStore() {
    reopen();
    workflows.putWorkflow(
        WF, new WorkflowDefinition("Scripted", "s", 100, new Retention(60_000L, null)), T0);
  }

  @AfterEach
  void closeStore() {
    db.close();
  }

  /** Closes the store and opens its folder again, as a restarted process would. */
  protected void reopen() {
    if (db != null) {
      db.close();
    }
    db = open(dir);
    instances = new JdbcInstanceStore(db);
    workflows = new JdbcWorkflowStore(db);
  }

  protected Instance create(String id) {
    return instances
        .createInstances(WF, List.of(new NewInstance(id, "{\"n\":1}")), "test", T0)
        .getFirst();
  }

  /**
   * A page of every instance of {@link #WF}, unfiltered: newest first unless {@code ascending},
   * after the cursor {@code afterSeq}, at most {@code size}.
   */
  protected Page<Instance> listAll(boolean ascending, Optional<Long> afterSeq, int size) {
    return instances.listInstances(
        new InstanceQuery(
            WF,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            ascending,
            afterSeq,
            0,
            size));
  }

  /**
   * Applies the table's decision for {@code action} on an instance in {@code from}, whatever status
   * the instance is in: the store's compare-and-set is what decides whether it applies.
   */
  protected MoveResult move(InstanceRef ref, Status from, Action action, Instant at) {
    Decision decision = Transitions.TABLE.decide(from, action);
    return instances.decideAndMove(ref, status -> decision, "test", at, Optional.empty()).result();
  }

  /** A task of {@link #runTogether}: the body of thread {@code t}. */
  @FunctionalInterface
  protected interface Racer {
    void run(int t) throws Exception;
  }

  /** Runs {@code racer} on {@code threads} threads released at once; rethrows the first failure. */
  protected static void runTogether(int threads, Racer racer) throws Exception {
    CyclicBarrier start = new CyclicBarrier(threads);
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  racer.run(thread);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
  }
}
