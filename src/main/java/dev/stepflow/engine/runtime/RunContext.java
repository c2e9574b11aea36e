package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.Transitions;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.RunState;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.RunUpdate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What one run of one instance shares between its parts: the lease that fences its writes, the
 * store, the clock, and the signals the engine sends it (pause requested, aborted). Status changes
 * the run makes itself go through the table like every other.
 */
final class RunContext {
  /** How often a run's own move is tried again when the instance changed underneath it. */
  private static final int SETTLE_TRIES = 3;

  final Instance instance;
  final RunLease lease;
  final RunStore store;
  final Clock clock;
  final Runnable wakeDispatcher;

  /** The persisted state the instance may reach; the step that would pass it fails for good. */
  final long maxStateBytes;

  /** Where step attempts and rollbacks are counted. */
  final EngineMetrics metrics;

  private volatile boolean pauseRequested;
  private volatile boolean aborted;

  /**
   * Step attempts in flight, each until its outcome is recorded: one at most, or one per branch of
   * a fan-out (a few more counts while an attempt starts).
   */
  private final java.util.concurrent.atomic.AtomicInteger attemptsInFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  RunContext(
      Instance instance,
      RunLease lease,
      EngineStore store,
      Clock clock,
      Runnable wakeDispatcher,
      long maxStateBytes,
      EngineMetrics metrics,
      PendingRecords pendingRecords) {
    this.metrics = metrics;
    this.instance = instance;
    this.lease = lease;
    this.store = new RunStore(store, lease, this::abort, pendingRecords);
    this.clock = clock;
    this.wakeDispatcher = wakeDispatcher;
    this.maxStateBytes = maxStateBytes;
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Applies a run-made status change if the table allows it from {@code from}; false otherwise. */
  boolean move(Status from, EngineEvent event, RunUpdate update) {
    if (!(Transitions.TABLE.decide(from, event) instanceof Decision.Move move)) {
      return false;
    }
    return store.moveRun(lease, move, update, now());
  }

  void requestPause() {
    pauseRequested = true;
  }

  /**
   * A pause was asked for: with no step attempt in flight it takes effect at once (the run settles
   * into paused from the caller's thread); otherwise after the attempt.
   *
   * <p>The caller's pause has committed (waitingForPause) and its answer says so. Should settling
   * it fail with the store, that is not the caller's failure: the run was stopped ({@link
   * RunStore}), and whoever takes its instance over settles the pause; interrupted while it waited
   * for the store, the caller leaves the pause to the run, which settles it at its next boundary.
   */
  void pauseAfterAttempt() {
    requestPause();
    if (!attemptInFlight()
        && Transitions.TABLE.decide(Status.WAITING_FOR_PAUSE, EngineEvent.STEPS_SETTLED)
            instanceof Decision.Move move) {
      try {
        store.moveRunFromOutside(lease, move, RunUpdate.none(), now());
      } catch (Unwind e) {
        // the run's own way of ending: it must not reach the caller that only asked for a pause
      }
    }
  }

  void cancelPause() {
    pauseRequested = false;
  }

  boolean pauseRequested() {
    return pauseRequested;
  }

  void abort() {
    aborted = true;
  }

  boolean aborted() {
    return aborted;
  }

  boolean attemptInFlight() {
    return attemptsInFlight.get() > 0;
  }

  /** An attempt starts ({@code true}) or ended ({@code false}). */
  void attemptInFlight(boolean inFlight) {
    attemptsInFlight.addAndGet(inFlight ? 1 : -1);
  }

  /**
   * A pause that was asked for takes effect: on the run's own thread it settles now ({@link
   * #settlePause}); in a branch of a fan-out the branch stops, and the run's thread settles the
   * pause once every branch has.
   */
  void pauseIfRequested() {
    if (!pauseRequested) {
      return;
    }
    if (FanOut.inBranch()) {
      throw BranchStop.pauseRequested();
    }
    settlePause();
  }

  /**
   * At a step boundary: stop if terminated, restarted or asked to pause. The store is asked too,
   * since a change can be accepted before the engine knew this run, or by another node whose signal
   * has not arrived (or never will).
   */
  void checkBoundary() {
    stopIfAborted();
    refreshFromStore();
    if (pauseRequested) {
      settlePause();
    }
  }

  /**
   * At a step boundary after which the run does nothing durable before its next write: a replayed
   * sleep, whose end is recorded with that write. The write is fenced and finds a pending pause or
   * a lost instance itself ({@link #startAtBoundary}, {@link #suspend}, the run's final move), so
   * the store is not read here: a woken sleep costs one read less.
   */
  void checkBoundaryBeforeNextWrite() {
    stopIfAborted();
    if (pauseRequested) {
      settlePause();
    }
  }

  /**
   * At a step boundary where the run starts a new step ({@code row}): as {@link #checkBoundary},
   * with the store's read folded into the write that starts the step ({@link
   * EngineStore#startStep}). A pending pause takes effect instead; when a resume withdrew it
   * meanwhile, the step starts after all.
   */
  void startAtBoundary(StepRecord row) {
    for (int tries = 0; tries < SETTLE_TRIES; tries++) {
      checkBoundaryBeforeNextWrite(); // the step's start is that write
      switch (store.startStep(lease, row)) {
        case EngineStore.StepStart.Started started -> {
          return;
        }
        case EngineStore.StepStart.Held held when settlesIntoPause(held.status()) -> requestPause();
        // a resume withdrew the pause between the write and its read: start again
        case EngineStore.StepStart.Held held when carriesOn(held.status()) -> {}
        case EngineStore.StepStart.Held held -> throw fencedOut();
        case EngineStore.StepStart.Fenced fenced -> throw fencedOut();
      }
    }
    throw new Unwind(Unwind.Reason.PAUSED);
  }

  /**
   * Reads the instance: a run whose instance has another run id now (terminated, restarted, taken
   * over) or is gone stops here; a pause is pending when the table lets the instance settle into
   * paused from its status.
   */
  void refreshFromStore() {
    if (settlesIntoPause(currentState().status())) {
      requestPause();
    }
  }

  private void stopIfAborted() {
    if (aborted || Thread.currentThread().isInterrupted()) {
      throw new Unwind(Unwind.Reason.ABORTED);
    }
  }

  private Unwind fencedOut() {
    abort();
    return new Unwind(Unwind.Reason.FENCED);
  }

  /** The instance's status and run id; a run that lost its instance stops here. */
  private RunState currentState() {
    Optional<RunState> state = store.runState(lease.instanceSeq());
    if (state.isEmpty() || state.get().runId() != lease.runId()) {
      throw fencedOut();
    }
    return state.get();
  }

  /** The instance waits for its run to pause (waitingForPause), by the table. */
  static boolean settlesIntoPause(Status status) {
    return Transitions.TABLE.decide(status, EngineEvent.STEPS_SETTLED) instanceof Decision.Move;
  }

  /** The run may carry on from {@code status} (running: no pause asked), by the table. */
  static boolean carriesOn(Status status) {
    return Transitions.TABLE.decide(status, EngineEvent.RUN_SUSPENDED) instanceof Decision.Move;
  }

  /**
   * The pause requested while this run was working takes effect now: waitingForPause -> paused, and
   * the run ends. Signals may arrive late or out of order, so the store has the last word: when a
   * resume withdrew the pause meanwhile, the run carries on and this returns; when the instance is
   * paused already, or the run lost it, the run ends.
   */
  void settlePause() {
    for (int tries = 0; tries < SETTLE_TRIES; tries++) {
      if (move(Status.WAITING_FOR_PAUSE, EngineEvent.STEPS_SETTLED, RunUpdate.none())) {
        throw new Unwind(Unwind.Reason.PAUSED);
      }
      Status now = currentState().status();
      if (carriesOn(now)) {
        pauseRequested = false;
        return;
      }
      if (!settlesIntoPause(now)) {
        throw new Unwind(Unwind.Reason.PAUSED);
      }
    }
    throw new Unwind(Unwind.Reason.PAUSED);
  }

  /**
   * The instance pauses on {@code exhausted}, the step whose retries ran out (on_failure: pause):
   * the step is kept unfinished with its attempts, the instance shows its error, and the run ends.
   * A pause requested meanwhile (waitingForPause) ends the same way, by the table.
   */
  Unwind pauseAtStep(StepRecord exhausted, String errorName, String errorMessage) {
    for (int tries = 0; tries < SETTLE_TRIES; tries++) {
      Status now = currentState().status();
      if (Transitions.TABLE.decide(now, EngineEvent.STEP_EXHAUSTED) instanceof Decision.Move move
          && store.pauseAtStep(
              lease, exhausted, move, RunUpdate.failed(errorName, errorMessage), now())) {
        return new Unwind(Unwind.Reason.PAUSED);
      }
    }
    return new Unwind(Unwind.Reason.FENCED);
  }

  /**
   * Suspends the run until {@code wakeAt} (or an event of {@code eventType}) without holding a
   * thread.
   */
  Unwind suspend(Instant wakeAt, String eventType) {
    for (int tries = 0; tries < SETTLE_TRIES; tries++) {
      if (move(
          Status.RUNNING, EngineEvent.RUN_SUSPENDED, RunUpdate.suspendedUntil(wakeAt, eventType))) {
        wakeDispatcher.run();
        return new Unwind(Unwind.Reason.SUSPENDED);
      }
      // a pause (maybe not signalled yet) or a lost instance; a withdrawn pause suspends again
      refreshFromStore();
      if (pauseRequested) {
        settlePause();
      }
    }
    return new Unwind(Unwind.Reason.FENCED);
  }
}
