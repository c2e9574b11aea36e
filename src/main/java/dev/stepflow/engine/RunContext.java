package dev.stepflow.engine;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.Status;
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
  final Instance instance;
  final RunLease lease;
  final EngineStore store;
  final Clock clock;
  final Runnable wakeDispatcher;
  private volatile boolean pauseRequested;
  private volatile boolean aborted;
  private volatile boolean attemptInFlight;

  RunContext(
      Instance instance, RunLease lease, EngineStore store, Clock clock, Runnable wakeDispatcher) {
    this.instance = instance;
    this.lease = lease;
    this.store = store;
    this.clock = clock;
    this.wakeDispatcher = wakeDispatcher;
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
    return attemptInFlight;
  }

  void attemptInFlight(boolean inFlight) {
    attemptInFlight = inFlight;
  }

  /**
   * At a step boundary: stop if terminated, restarted or asked to pause. The store is asked too,
   * since a change can be accepted before the engine knew this run, or by another node whose signal
   * has not arrived (or never will).
   */
  void checkBoundary() {
    if (aborted || Thread.currentThread().isInterrupted()) {
      throw new Unwind(Unwind.Reason.ABORTED);
    }
    refreshFromStore();
    if (pauseRequested) {
      settlePause();
    }
  }

  /**
   * Reads the instance: a run whose instance has another run id now (terminated, restarted, taken
   * over) or is gone stops here; a pause is pending when the table lets the instance settle into
   * paused from its status.
   */
  void refreshFromStore() {
    Optional<RunState> state = store.runState(lease.instanceSeq());
    if (state.isEmpty() || state.get().runId() != lease.runId()) {
      abort();
      throw new Unwind(Unwind.Reason.FENCED);
    }
    if (Transitions.TABLE.decide(state.get().status(), EngineEvent.STEPS_SETTLED)
        instanceof Decision.Move) {
      requestPause();
    }
  }

  /** The pause requested while this run was working takes effect now: waitingForPause -> paused. */
  void settlePause() {
    move(Status.WAITING_FOR_PAUSE, EngineEvent.STEPS_SETTLED, RunUpdate.none());
    throw new Unwind(Unwind.Reason.PAUSED);
  }

  /**
   * Suspends the run until {@code wakeAt} (or an event of {@code eventType}) without holding a
   * thread.
   */
  Unwind suspend(Instant wakeAt, String eventType) {
    if (!move(
        Status.RUNNING, EngineEvent.RUN_SUSPENDED, RunUpdate.suspendedUntil(wakeAt, eventType))) {
      if (pauseRequested) {
        settlePause();
      }
      return new Unwind(Unwind.Reason.FENCED);
    }
    wakeDispatcher.run();
    return new Unwind(Unwind.Reason.SUSPENDED);
  }
}
