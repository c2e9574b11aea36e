package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepStatus;
import dev.stepflow.domain.Transitions;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.RunUpdate;
import dev.stepflow.store.StoreFixture;
import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A finished step's record waits for its run's next write, and is written on its own when that
 * write does not come; a pause settled from the request's thread waits for the run's write and
 * keeps the run's own failures to the run: on a real SQLite store.
 */
class PendingRecordsTest extends StoreFixture {
  private static final Decision.Move START =
      (Decision.Move) Transitions.TABLE.decide(Status.QUEUED, EngineEvent.RUN_STARTED);

  private final PendingRecords pending = new PendingRecords();

  @Override
  protected Database open(Path dir) {
    return SqliteDatabase.open(dir, Durability.PROCESS_CRASH);
  }

  @AfterEach
  void stopWatching() {
    pending.close();
  }

  private JdbcEngineStore engine() {
    return new JdbcEngineStore(db());
  }

  /** A claimed instance's run, with its first step running. */
  private record Run(RunStore store, RunLease lease) {}

  private Run runWithAStepRunning(Instance instance) {
    Instant now = Instant.now();
    RunLease lease =
        engine()
            .claim(instance.seq(), 0, START, new Owner("n", now.plusSeconds(60)), now, "t", now)
            .orElseThrow();
    RunStore run = new RunStore(engine(), lease, () -> {}, pending);
    assertThat(run.insertStep(lease, step(0))).isTrue();
    return new Run(run, lease);
  }

  private static StepRecord step(int seq) {
    return StepRecord.running(seq, StepKind.DO, "s" + seq, 1, T0, "{}", false);
  }

  private static StepRecord done(int seq) {
    return step(seq).completed(T0.plusSeconds(1), "{\"step\":" + seq + "}", "[]");
  }

  private List<StepStatus> statuses(Instance instance) {
    return engine().steps(instance.seq()).stream().map(StepRecord::status).toList();
  }

  /** Waits until the instance's one step is recorded complete. */
  private void awaitItsStepComplete(Instance instance) {
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> statuses(instance).equals(List.of(StepStatus.COMPLETE)));
  }

  @Test
  void theRunsNextWriteRecordsAFinishedStepInItsTransaction() {
    Instance x = create("x");
    Run run = runWithAStepRunning(x);

    run.store().recordWithNextWrite(done(0));
    assertThat(statuses(x)).containsExactly(StepStatus.RUNNING);
    assertThat(run.store().insertStep(run.lease(), step(1))).isTrue();

    assertThat(statuses(x)).containsExactly(StepStatus.COMPLETE, StepStatus.RUNNING);
    assertThat(engine().steps(x.seq()).getFirst().outputJson()).isEqualTo("{\"step\":0}");
  }

  @Test
  void aFinishedStepWhoseRunWritesNothingMoreIsWrittenOnItsOwnAfterAWhile() {
    pending.start();
    Instance x = create("x");
    RunStore run = runWithAStepRunning(x).store();

    long recorded = System.nanoTime();
    run.recordWithNextWrite(done(0));
    awaitItsStepComplete(x);

    assertThat(Duration.ofNanos(System.nanoTime() - recorded))
        .as("the run had its chance to take it along first")
        .isGreaterThanOrEqualTo(PendingRecords.WRITE_AFTER);
    assertThat(engine().steps(x.seq()).getFirst().outputJson()).isEqualTo("{\"step\":0}");
  }

  @Test
  void aFencedRunsRecordsAreDroppedAndOtherRunsStillGetTheirsWritten() {
    pending.start();
    Instance fenced = create("fenced");
    RunStore fencedRun = runWithAStepRunning(fenced).store();
    move(fenced.ref(), Status.RUNNING, Action.TERMINATE, T0);
    Instance other = create("other");
    RunStore otherRun = runWithAStepRunning(other).store();

    fencedRun.recordWithNextWrite(done(0));
    otherRun.recordWithNextWrite(done(0));
    awaitItsStepComplete(other);

    assertThat(statuses(fenced)).containsExactly(StepStatus.RUNNING);
  }

  @Test
  void closingWritesEveryRecordStillWaitingAtOnce() {
    Instance x = create("x");
    Instance y = create("y");
    RunStore xRun = runWithAStepRunning(x).store();
    RunStore yRun = runWithAStepRunning(y).store();
    xRun.recordWithNextWrite(done(0));
    yRun.recordWithNextWrite(done(0));

    pending.writeAll();

    assertThat(statuses(x)).containsExactly(StepStatus.COMPLETE);
    assertThat(statuses(y)).containsExactly(StepStatus.COMPLETE);
  }

  @Test
  void aPauseSettledFromTheRequestThreadWaitsForTheRunsWriteThatTookTheRecords() throws Exception {
    Instance x = create("x");
    RunLease lease =
        engine()
            .claim(x.seq(), 0, START, new Owner("n", Instant.now().plusSeconds(60)), T0, "t", T0)
            .orElseThrow();
    CountDownLatch inWrite = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    RunStore run =
        new RunStore(heldAtStepStart(engine(), inWrite, letGo), lease, () -> {}, pending);
    assertThat(run.insertStep(lease, step(0))).isTrue();
    move(x.ref(), Status.RUNNING, Action.PAUSE, T0);
    run.recordWithNextWrite(done(0));

    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      try {
        // the run's thread: its next step's start takes the record along, and is held in the store
        Future<?> runWrite = threads.submit(() -> run.startStep(lease, step(1)));
        assertThat(inWrite.await(5, TimeUnit.SECONDS)).isTrue();
        // the request's thread settles the pause meanwhile
        Decision.Move settle =
            (Decision.Move)
                Transitions.TABLE.decide(Status.WAITING_FOR_PAUSE, EngineEvent.STEPS_SETTLED);
        Future<Boolean> pause =
            threads.submit(() -> run.moveRunFromOutside(lease, settle, RunUpdate.none(), T0));
        Thread.sleep(200);
        assertThat(pause).as("the pause waits for the run's write").isNotDone();
        letGo.countDown();
        runWrite.get(5, TimeUnit.SECONDS);
        assertThat(pause.get(5, TimeUnit.SECONDS)).isTrue();
      } finally {
        letGo.countDown();
      }
    }
    assertThat(engine().steps(x.seq()))
        .as("the step that finished is recorded, the one held back by the pause is not")
        .extracting(StepRecord::status)
        .containsExactly(StepStatus.COMPLETE);
    assertThat(engine().runState(x.seq()).orElseThrow().status()).isEqualTo(Status.PAUSED);
  }

  @Test
  void aPauseBetweenStepsSettlesAtOnceFromTheRequestThread() {
    Instance x = create("x");
    RunContext run = runOf(x, engine());
    move(x.ref(), Status.RUNNING, Action.PAUSE, T0);

    run.pauseAfterAttempt();

    assertThat(engine().runState(x.seq()).orElseThrow().status()).isEqualTo(Status.PAUSED);
    assertThat(run.aborted()).isFalse();
  }

  @Test
  void aStoreThatFailsThePausesSettlingStopsTheRunButNotTheRequest() {
    Instance x = create("x");
    RunContext run =
        runOf(
            x,
            InterceptedStore.before(
                engine(),
                "moveRun",
                () -> {
                  throw new StoreUnavailable("write", new SQLException("connection lost"));
                }));
    move(x.ref(), Status.RUNNING, Action.PAUSE, T0);

    assertThatCode(run::pauseAfterAttempt).doesNotThrowAnyException();

    assertThat(run.aborted()).as("the run stops; the takeover settles the pause").isTrue();
    assertThat(run.pauseRequested()).isTrue();
    assertThat(engine().runState(x.seq()).orElseThrow().status())
        .isEqualTo(Status.WAITING_FOR_PAUSE);
  }

  /** A claimed instance's run as the engine makes it, on {@code store}. */
  private RunContext runOf(Instance instance, EngineStore store) {
    Instant now = Instant.now();
    RunLease lease =
        engine()
            .claim(instance.seq(), 0, START, new Owner("n", now.plusSeconds(60)), now, "t", now)
            .orElseThrow();
    return new RunContext(
        instance, lease, store, Clock.systemUTC(), () -> {}, 1 << 20, EngineMetrics.NONE, pending);
  }

  /** {@code store}, whose startStep waits for {@code letGo} once it has been called. */
  private static EngineStore heldAtStepStart(
      EngineStore store, CountDownLatch inWrite, CountDownLatch letGo) {
    return InterceptedStore.before(
        store,
        "startStep",
        () -> {
          inWrite.countDown();
          letGo.await();
        });
  }
}
