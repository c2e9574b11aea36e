package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.RunState;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.RunUpdate;
import dev.stepflow.store.StoreUnavailable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store as one run uses it. A store that fails (PostgreSQL unreachable, its pool exhausted)
 * ends the run, never the instance: the failure must not reach the workflow code as an exception it
 * could catch, nor the runner as the workflow's own failure, which would error an instance whose
 * workflow did nothing wrong. The run unwinds instead, its lease is no longer renewed, and a new
 * run takes the instance over from its last checkpoint once the lease ended.
 */
final class RunStore {
  private static final Logger log = LoggerFactory.getLogger(RunStore.class);

  private final EngineStore store;
  private final Runnable abortRun;

  /**
   * Steps that finished without a write of their own (a sleep whose time came), which the run's
   * next write records in its own transaction: waking a sleeping instance then costs one commit
   * less. Until then a crash loses nothing, since the replay finds the sleep's time passed and
   * finishes it again; a run that ends with no further write (aborted, fenced) leaves the sleep
   * recorded as waiting, as a terminate during the sleep does.
   */
  private final List<StepRecord> finished = new ArrayList<>();

  RunStore(EngineStore store, Runnable abortRun) {
    this.store = store;
    this.abortRun = abortRun;
  }

  List<StepRecord> steps(long instanceSeq) {
    return guarded(() -> store.steps(instanceSeq));
  }

  /** {@code row} is recorded with the run's next write (see {@link #finished}). */
  synchronized void recordWithNextWrite(StepRecord row) {
    finished.add(row);
  }

  /** The finished steps that the write being made now records; each is taken once. */
  private synchronized List<StepRecord> takeFinished() {
    if (finished.isEmpty()) {
      return List.of();
    }
    List<StepRecord> rows = List.copyOf(finished);
    finished.clear();
    return rows;
  }

  /** Writes the finished steps on their own, before a write that cannot take them along. */
  private void writeFinished(RunLease lease) {
    List<StepRecord> rows = takeFinished();
    if (!rows.isEmpty()) {
      // fenced: then so is the write that follows, which reports it
      guarded(() -> store.updateStep(lease, rows.subList(0, rows.size() - 1), rows.getLast()));
    }
  }

  boolean insertStep(RunLease lease, StepRecord row) {
    List<StepRecord> first = takeFinished();
    return guarded(() -> store.insertStep(lease, first, row));
  }

  boolean updateStep(RunLease lease, StepRecord row) {
    List<StepRecord> first = takeFinished();
    return guarded(() -> store.updateStep(lease, first, row));
  }

  Optional<StepRecord> consumeEvent(RunLease lease, StepRecord waitStep, Instant now) {
    writeFinished(lease);
    return guarded(() -> store.consumeEvent(lease, waitStep, now));
  }

  boolean moveRun(RunLease lease, Decision.Move move, RunUpdate update, Instant at) {
    List<StepRecord> first = takeFinished();
    return guarded(() -> store.moveRun(lease, first, move, update, at));
  }

  FailurePolicy failurePolicy(long instanceSeq) {
    return guarded(() -> store.failurePolicy(instanceSeq));
  }

  boolean pauseAtStep(
      RunLease lease, StepRecord exhausted, Decision.Move move, RunUpdate update, Instant at) {
    writeFinished(lease);
    return guarded(() -> store.pauseAtStep(lease, exhausted, move, update, at));
  }

  Optional<RunState> runState(long instanceSeq) {
    return guarded(() -> store.runState(instanceSeq));
  }

  private <T> T guarded(Supplier<T> call) {
    try {
      return call.get();
    } catch (StoreUnavailable e) {
      if (Thread.currentThread().isInterrupted()) {
        // the run was stopped (terminated, restarted, shut down) while it waited for the store
        throw new Unwind(Unwind.Reason.ABORTED);
      }
      // one line: an outage stops every run at once
      log.warn(
          "A run stops because the store failed ({}); its instance is taken over once its lease"
              + " ends",
          e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
      abortRun.run();
      throw new Unwind(Unwind.Reason.STORE_FAILED);
    }
  }
}
