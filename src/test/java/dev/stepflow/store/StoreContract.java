package dev.stepflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.InstanceStore.MoveAttempt;
import dev.stepflow.store.InstanceStore.MoveResult;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.jdbc.JdbcWorkflowStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every store must do, run once per store implementation: atomic creates, compare-and-set
 * status moves with history in the same transaction, events refused by finished instances, paging,
 * acknowledged writes that are there after the database is reopened, and the same answers when many
 * threads write at once (on a store with concurrent writers, many connections).
 */
public abstract class StoreContract {
  protected static final WorkflowRef WF = new WorkflowRef("acct", "wf");
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

  private void reopen() {
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
   * Applies the table's decision for {@code action} on an instance in {@code from}, whatever status
   * the instance is in: the store's compare-and-set is what decides whether it applies.
   */
  private MoveResult move(InstanceRef ref, Status from, Action action, Instant at) {
    Decision decision = Transitions.TABLE.decide(from, action);
    return instances.decideAndMove(ref, status -> decision, "test", at, Optional.empty()).result();
  }

  @Test
  void createdInstanceIsQueuedOnTheNewestVersionWithACreationRow() {
    Instance created = create("a");
    assertThat(created.status()).isEqualTo(Status.QUEUED);
    assertThat(created.versionId()).isEqualTo(workflows.findWorkflow(WF).orElseThrow().versionId());
    assertThat(created.paramsJson()).isEqualTo("{\"n\":1}");
    assertThat(instances.history(created.ref()))
        .containsExactly(new StatusChange(null, Status.QUEUED, "create", "test", T0, false));
  }

  @Test
  void createIsAllOrNothingWhenAnIdExists() {
    create("taken");
    List<NewInstance> batch = List.of(new NewInstance("new", null), new NewInstance("taken", null));
    assertThatThrownBy(() -> instances.createInstances(WF, batch, "test", T0))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e -> assertThat(e.problems().getFirst().code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(instances.findInstance(WF.instance("new"))).isEmpty();
  }

  @Test
  void aRefusedCreateNamesEveryIdInUseButNoneOfItsOwn() {
    create("taken-1");
    create("taken-2");
    List<NewInstance> batch =
        List.of(
            new NewInstance("new-1", null),
            new NewInstance("taken-1", null),
            new NewInstance("new-2", null),
            new NewInstance("taken-2", null));
    assertThatThrownBy(() -> instances.createInstances(WF, batch, "test", T0))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.message())
                    .satisfiesExactly(
                        m -> assertThat(m).contains("'taken-1'"),
                        m -> assertThat(m).contains("'taken-2'")));
    assertThat(instances.findInstance(WF.instance("new-1"))).isEmpty();
    assertThat(instances.findInstance(WF.instance("new-2"))).isEmpty();
  }

  @Test
  void createInAMissingWorkflowFails() {
    assertThatThrownBy(
            () ->
                instances.createInstances(
                    new WorkflowRef("acct", "nope"), List.of(new NewInstance("x", null)), "t", T0))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.problems().getFirst().code()).isEqualTo(ErrorCode.WORKFLOW_NOT_FOUND));
  }

  @Test
  void moveAppliesOnlyFromTheExpectedStatusAndRecordsHistory() {
    InstanceRef ref = create("m").ref();
    Instant t1 = T0.plusSeconds(1);
    assertThat(move(ref, Status.QUEUED, Action.PAUSE, t1)).isEqualTo(MoveResult.APPLIED);
    assertThat(move(ref, Status.QUEUED, Action.TERMINATE, t1)).isEqualTo(MoveResult.NOT_CURRENT);
    Instance paused = instances.findInstance(ref).orElseThrow();
    assertThat(paused.status()).isEqualTo(Status.PAUSED);
    assertThat(paused.statusChangedOn()).isEqualTo(t1);
    assertThat(instances.history(ref))
        .extracting(StatusChange::to)
        .containsExactly(Status.QUEUED, Status.PAUSED);
    assertThat(move(WF.instance("ghost"), Status.QUEUED, Action.PAUSE, t1))
        .isEqualTo(MoveResult.NOT_FOUND);
  }

  @Test
  void terminalMoveSetsTheEndAndRestartWipesRunState() {
    InstanceRef ref = create("r").ref();
    Instant t1 = T0.plusSeconds(1);
    move(ref, Status.QUEUED, Action.TERMINATE, t1);
    assertThat(instances.findInstance(ref).orElseThrow().endedOn()).isEqualTo(t1);
    Instant t2 = T0.plusSeconds(2);
    assertThat(move(ref, Status.TERMINATED, Action.RESTART, t2)).isEqualTo(MoveResult.APPLIED);
    Instance restarted = instances.findInstance(ref).orElseThrow();
    assertThat(restarted.endedOn()).isNull();
    assertThat(restarted.queuedOn()).isEqualTo(t2);
    assertThat(restarted.paramsJson()).isEqualTo("{\"n\":1}");
  }

  @Test
  void restartFromAMissingStepChangesNothing() {
    InstanceRef ref = create("s").ref();
    Decision.Move restart = (Decision.Move) Transitions.TABLE.decide(Status.QUEUED, Action.RESTART);
    Optional<StepRef> fromStep = Optional.of(new StepRef(StepKind.DO, "b", 1));
    assertThatThrownBy(
            () -> instances.decideAndMove(ref, s -> restart, "t", T0.plusSeconds(1), fromStep))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e -> assertThat(e.problems().getFirst().code()).isEqualTo(ErrorCode.CANNOT_RESTART));
    assertThat(instances.history(ref)).hasSize(1);
  }

  @Test
  void eventsAreBufferedInOrderAndRefusedOnceFinished() {
    InstanceRef ref = create("e").ref();
    EnumSet<Status> open = EnumSet.of(Status.QUEUED, Status.PAUSED);
    assertThat(instances.bufferEvent(ref, "go", "1", T0, open)).isEqualTo(MoveResult.APPLIED);
    assertThat(instances.bufferEvent(ref, "go", "2", T0, open)).isEqualTo(MoveResult.APPLIED);
    assertThat(instances.bufferedEvents(ref))
        .extracting(InstanceStore.BufferedEvent::payloadJson)
        .containsExactly("1", "2");
    move(ref, Status.QUEUED, Action.TERMINATE, T0);
    assertThat(instances.bufferEvent(ref, "go", "3", T0, open)).isEqualTo(MoveResult.NOT_CURRENT);
    assertThat(instances.bufferEvent(WF.instance("ghost"), "go", "3", T0, open))
        .isEqualTo(MoveResult.NOT_FOUND);
    move(ref, Status.TERMINATED, Action.RESTART, T0);
    assertThat(instances.bufferedEvents(ref)).isEmpty();
  }

  @Test
  void cursorPagesCoverEveryInstanceOnce() {
    for (int i = 0; i < 7; i++) {
      create("p" + i);
    }
    List<String> seen = new ArrayList<>();
    Optional<Long> after = Optional.empty();
    for (int pages = 0; pages < 10; pages++) {
      Page<Instance> page =
          instances.listInstances(
              new InstanceQuery(
                  WF, Optional.empty(), Optional.empty(), Optional.empty(), false, after, 0, 3));
      page.items().forEach(i -> seen.add(i.ref().instanceId()));
      assertThat(page.totalCount()).isEqualTo(7);
      if (page.nextCursor() == null) {
        break;
      }
      after = Optional.of(Long.parseLong(page.nextCursor()));
    }
    assertThat(seen).containsExactly("p6", "p5", "p4", "p3", "p2", "p1", "p0");
  }

  @Test
  void keptCountsAgreeWithCountingTheRowsThroughCreatesMovesDeletesAndFolds() throws Exception {
    JdbcEngineStore engine = new JdbcEngineStore(db);
    List<Action> actions = List.of(Action.PAUSE, Action.RESUME, Action.TERMINATE, Action.RESTART);
    for (int i = 0; i < 12; i++) {
      create("k" + i);
    }
    assertKeptCountsAgreeWithRows();
    runTogether(
        6,
        t -> {
          for (int i = 0; i < 20; i++) {
            Action action = actions.get((t + i) % actions.size());
            instances.decideAndMove(
                WF.instance("k" + ((t * 7 + i) % 12)),
                status -> Transitions.TABLE.decide(status, action),
                "t" + t,
                T0.plusMillis(i),
                Optional.empty());
            if (i % 5 == 0) {
              engine.foldInstanceCounts();
            }
          }
        });
    assertKeptCountsAgreeWithRows();
    engine.foldInstanceCounts();
    assertKeptCountsAgreeWithRows();

    assertThat(instances.deleteInstance(WF.instance("k0"))).isTrue();
    InstanceRef expiring =
        instances
            .createInstances(
                WF,
                List.of(new NewInstance("expiring", null, new Retention(null, 1_000L))),
                "t",
                T0)
            .getFirst()
            .ref();
    move(expiring, Status.QUEUED, Action.TERMINATE, T0);
    assertThat(engine.deleteExpired(T0.plusSeconds(2), Retention.SUCCEEDED, Retention.FAILED))
        .isEqualTo(1);
    assertKeptCountsAgreeWithRows();

    assertThat(workflows.deleteWorkflow(WF)).isTrue();
    workflows.putWorkflow(
        WF, new WorkflowDefinition("Scripted", "s", 100, new Retention(null, null)), T0);
    create("after");
    engine.foldInstanceCounts();
    assertThat(total(Optional.empty(), false)).isEqualTo(1);
    assertThat(total(Optional.of(Status.QUEUED), false)).isEqualTo(1);
  }

  /**
   * Every status (and none): the kept count equals a count of the rows (what a time filter does).
   */
  private void assertKeptCountsAgreeWithRows() {
    List<Optional<Status>> filters = new ArrayList<>();
    filters.add(Optional.empty());
    EnumSet.allOf(Status.class).forEach(s -> filters.add(Optional.of(s)));
    for (Optional<Status> status : filters) {
      assertThat(total(status, false)).as("count of %s", status).isEqualTo(total(status, true));
    }
  }

  private long total(Optional<Status> status, boolean countRows) {
    Optional<Instant> from = countRows ? Optional.of(Instant.EPOCH) : Optional.empty();
    return instances
        .listInstances(
            new InstanceQuery(WF, status, from, Optional.empty(), false, Optional.empty(), 0, 1))
        .totalCount();
  }

  @Test
  void deletingTheWorkflowDeletesItsVersionsAndInstances() {
    create("d");
    assertThat(workflows.deleteWorkflow(WF)).isTrue();
    assertThat(instances.findInstance(WF.instance("d"))).isEmpty();
    assertThat(workflows.listVersions(WF, 0, 10).items()).isEmpty();
    assertThat(workflows.deleteWorkflow(WF)).isFalse();
  }

  @Test
  void concurrentWritesAreAllAcknowledgedAndStillThereAfterReopening() throws Exception {
    int writers = 16;
    int perWriter = 50;
    try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perWriter; i++) {
                    create("c-" + writer + "-" + i);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    reopen();
    Page<Instance> all =
        instances.listInstances(
            new InstanceQuery(
                WF,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                true,
                Optional.empty(),
                0,
                1));
    assertThat(all.totalCount()).isEqualTo((long) writers * perWriter);
  }

  @Test
  void finishedInstancesAreDeletedOnceTheirRetentionRanOut() {
    InstanceRef keptByDefault = create("default").ref();
    InstanceRef ownRetention =
        instances
            .createInstances(
                WF, List.of(new NewInstance("own", null, new Retention(null, 1_000L))), "t", T0)
            .getFirst()
            .ref();
    InstanceRef stillRunning = create("open").ref();
    move(keptByDefault, Status.QUEUED, Action.TERMINATE, T0);
    move(ownRetention, Status.QUEUED, Action.TERMINATE, T0);
    JdbcEngineStore engine = new JdbcEngineStore(db);

    assertThat(engine.deleteExpired(T0.plusSeconds(2), Retention.SUCCEEDED, Retention.FAILED))
        .isEqualTo(1);
    assertThat(instances.findInstance(ownRetention)).isEmpty();
    assertThat(instances.findInstance(keptByDefault)).isPresent();
    assertThat(instances.findInstance(stillRunning)).isPresent();
    assertThat(
            workflows
                .findVersion(WF, workflows.findWorkflow(WF).orElseThrow().versionId())
                .orElseThrow()
                .defaultRetention())
        .isEqualTo(new Retention(60_000L, null));
  }

  @Test
  void aFailingWriteInABatchLeavesTheOthersCommitted() throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = i % 2 == 0 ? "dup" : "ok-" + i;
        done.add(
            pool.submit(
                () -> {
                  try {
                    create(id);
                  } catch (WorkflowException expectedForDuplicates) {
                    assertThat(expectedForDuplicates.problems().getFirst().code())
                        .isEqualTo(ErrorCode.ALREADY_EXISTS);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    for (int i = 1; i < 40; i += 2) {
      assertThat(instances.findInstance(WF.instance("ok-" + i))).isPresent();
    }
    assertThat(instances.history(WF.instance("dup"))).hasSize(1);
  }

  @Test
  void racingActionsOnOneInstanceNeverLoseAndLeaveAValidHistory() throws Exception {
    InstanceRef ref = create("contested").ref();
    List<Action> actions = List.of(Action.PAUSE, Action.RESUME, Action.TERMINATE, Action.RESTART);
    int threads = 8;
    int perThread = 25;
    List<MoveAttempt> attempts = Collections.synchronizedList(new ArrayList<>());
    runTogether(
        threads,
        t -> {
          for (int i = 0; i < perThread; i++) {
            Action action = actions.get((t + i) % actions.size());
            attempts.add(
                instances.decideAndMove(
                    ref,
                    status -> Transitions.TABLE.decide(status, action),
                    "t" + t,
                    T0.plusMillis(i),
                    Optional.empty()));
          }
        });

    assertThat(attempts).hasSize(threads * perThread);
    assertThat(attempts)
        .as("the status a decision was made on is the one the move applies to")
        .noneMatch(a -> a.result() == MoveResult.NOT_CURRENT);
    long applied = attempts.stream().filter(a -> a.result() == MoveResult.APPLIED).count();
    List<StatusChange> history = instances.history(ref);
    assertThat(history).hasSize(1 + (int) applied);
    for (int i = 1; i < history.size(); i++) {
      assertThat(history.get(i).from())
          .as("row %d starts where row %d ended", i, i - 1)
          .isEqualTo(history.get(i - 1).to());
    }
    assertThat(instances.findInstance(ref).orElseThrow().status())
        .isEqualTo(history.getLast().to());
  }

  @Test
  void ofTwoWritersRacingOneTransitionExactlyOneMovesTheInstance() throws Exception {
    for (int round = 0; round < 10; round++) {
      InstanceRef ref = create("duel-" + round).ref();
      assertThat(race(ref, Action.PAUSE))
          .as("round %d, pause: one moves queued -> paused, the other finds it paused", round)
          .containsExactlyInAnyOrder(Decision.Move.class, Decision.NoOp.class);
      assertThat(race(ref, Action.RESUME))
          .as("round %d, resume: one moves paused -> queued, the other may not resume", round)
          .containsExactlyInAnyOrder(Decision.Move.class, Decision.Reject.class);
      assertThat(instances.history(ref))
          .extracting(StatusChange::to)
          .containsExactly(Status.QUEUED, Status.PAUSED, Status.QUEUED);
    }
  }

  /** Two threads apply {@code action} at once; returns the kind of decision each one got. */
  private List<Class<?>> race(InstanceRef ref, Action action) throws Exception {
    List<Class<?>> decisions = Collections.synchronizedList(new ArrayList<>());
    runTogether(
        2,
        t -> {
          MoveAttempt attempt =
              instances.decideAndMove(
                  ref,
                  status -> Transitions.TABLE.decide(status, action),
                  "t" + t,
                  T0,
                  Optional.empty());
          assertThat(attempt.result()).isNotEqualTo(MoveResult.NOT_CURRENT);
          decisions.add(attempt.decision().getClass());
        });
    return decisions;
  }

  @Test
  void aRestartRacingAStepOfTheOldRunLeavesNoStepOfThatRun() throws Exception {
    JdbcEngineStore engine = new JdbcEngineStore(db);
    Decision.Move start =
        (Decision.Move) Transitions.TABLE.decide(Status.QUEUED, EngineEvent.RUN_STARTED);
    for (int round = 0; round < 10; round++) {
      Instance created = create("fenced-" + round);
      RunLease lease =
          engine
              .claim(created.seq(), 0, start, new EngineStore.Owner("n", T0), T0, "engine", T0)
              .orElseThrow();
      runTogether(
          2,
          t -> {
            if (t == 0) {
              int stepSeq = 1;
              while (engine.insertStep(
                  lease, StepRecord.running(stepSeq, StepKind.DO, "s", stepSeq, T0, "{}", false))) {
                stepSeq++;
              }
            } else {
              MoveAttempt restart =
                  instances.decideAndMove(
                      created.ref(),
                      status -> Transitions.TABLE.decide(status, Action.RESTART),
                      "test",
                      T0,
                      Optional.empty());
              assertThat(restart.result()).isEqualTo(MoveResult.APPLIED);
            }
          });
      assertThat(instances.steps(created.ref()))
          .as("round %d: a restart wipes every step, and the old run can add none after it", round)
          .isEmpty();
    }
  }

  @Test
  void ofWritersRacingToCreateOneIdExactlyOneCreatesItAndTheOthersAreToldItExists()
      throws Exception {
    for (int round = 0; round < 10; round++) {
      String id = "same-" + round;
      List<Object> outcomes = Collections.synchronizedList(new ArrayList<>());
      runTogether(
          4,
          t -> {
            try {
              outcomes.add(create(id).status());
            } catch (WorkflowException e) {
              outcomes.add(e.problems().getFirst().code());
            }
          });
      assertThat(outcomes)
          .as("round %d", round)
          .containsExactlyInAnyOrder(
              Status.QUEUED,
              ErrorCode.ALREADY_EXISTS,
              ErrorCode.ALREADY_EXISTS,
              ErrorCode.ALREADY_EXISTS);
      assertThat(instances.history(WF.instance(id))).hasSize(1);
    }
  }

  @Test
  void concurrentFirstPutsOfOneWorkflowAllSucceedAsVersionsOfOneWorkflow() throws Exception {
    WorkflowRef fresh = new WorkflowRef("acct", "fresh");
    int writers = 8;
    runTogether(
        writers,
        t ->
            workflows.putWorkflow(
                fresh,
                new WorkflowDefinition("Scripted", "s" + t, 100, new Retention(null, null)),
                T0));
    String workflowId = workflows.findWorkflow(fresh).orElseThrow().id();
    assertThat(workflows.listVersions(fresh, 0, 100).items())
        .hasSize(writers)
        .allSatisfy(v -> assertThat(v.workflowId()).isEqualTo(workflowId));
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
