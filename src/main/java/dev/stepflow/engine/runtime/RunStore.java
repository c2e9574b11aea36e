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
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
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
  private final RunLease lease;
  private final Runnable abortRun;
  private final PendingRecords pending;

  /**
   * Finished steps not yet written: a step that returned, or a sleep whose time came. The run's
   * next write records them in its own transaction, which saves a commit per step, and the next
   * step cannot start before that write committed, so a step's result is recorded before anything
   * after it runs. A crash before then runs the step again on replay, as a crash during the step
   * does. If the next write does not come soon, {@link PendingRecords} writes them on their own.
   */
  private final List<StepRecord> finished = new ArrayList<>();

  /** When the oldest of {@link #finished} was added (System.nanoTime). */
  private long waitingSince;

  /**
   * Orders a write of the waiting records on their own (the write lock) before or after the run's
   * own writes (the read lock, shared by the branches of a fan-out): a run that ends must not
   * commit its end while its last step's record is still being written, or that record would be
   * fenced by the end and lost.
   */
  private final ReadWriteLock writeOrder = new ReentrantReadWriteLock();

  RunStore(EngineStore store, RunLease lease, Runnable abortRun, PendingRecords pending) {
    this.store = store;
    this.lease = lease;
    this.abortRun = abortRun;
    this.pending = pending;
  }

  List<StepRecord> steps(long instanceSeq) {
    return guarded(() -> store.steps(instanceSeq));
  }

  /** {@code row} is recorded with the run's next write (see {@link #finished}). */
  synchronized void recordWithNextWrite(StepRecord row) {
    startWaiting();
    finished.add(row);
  }

  /** With nothing waiting yet, records are about to: from now, {@link PendingRecords} watches. */
  private void startWaiting() {
    if (finished.isEmpty()) {
      waitingSince = System.nanoTime();
      pending.add(this);
    }
  }

  synchronized long waitingSince() {
    return waitingSince;
  }

  /** The finished steps that the write being made now records; each is taken once. */
  private synchronized List<StepRecord> takeFinished() {
    if (finished.isEmpty()) {
      return List.of();
    }
    List<StepRecord> rows = List.copyOf(finished);
    finished.clear();
    pending.remove(this);
    return rows;
  }

  /** Puts back records whose write failed, ahead of any added since, for the run's next write. */
  private synchronized void giveBack(List<StepRecord> rows) {
    startWaiting();
    finished.addAll(0, rows);
  }

  /**
   * Writes the waiting records on their own, unless a write of the run took them first. Fenced,
   * they are dropped with the run; should the store fail, they wait for the run's next write.
   */
  void writeWaiting() {
    writeOrder.writeLock().lock();
    try {
      List<StepRecord> rows = takeFinished();
      if (rows.isEmpty()) {
        return;
      }
      try {
        update(rows);
      } catch (StoreUnavailable e) {
        giveBack(rows);
        log.debug("Finished steps wait for the run's next write: {}", e.getMessage());
      } catch (RuntimeException e) {
        giveBack(rows);
        log.warn("Finished steps could not be written; they wait for the run's next write", e);
      }
    } finally {
      writeOrder.writeLock().unlock();
    }
  }

  /** A write of the run, with the waiting records taken along. */
  private <T> T carrying(Function<List<StepRecord>, T> write) {
    return carrying(writeOrder.readLock(), write);
  }

  /** {@link #carrying(Function)} under {@code order}, one of {@link #writeOrder}'s locks. */
  private <T> T carrying(Lock order, Function<List<StepRecord>, T> write) {
    order.lock();
    try {
      List<StepRecord> first = takeFinished();
      return guarded(() -> write.apply(first));
    } finally {
      order.unlock();
    }
  }

  /** Writes the waiting records on their own, before a write that cannot take them along. */
  private void writeFinished() {
    // fenced: then so is the write that follows, which reports it
    carrying(rows -> rows.isEmpty() || update(rows));
  }

  /** Writes finished steps of the run: false when fenced. */
  private boolean update(List<StepRecord> rows) {
    return store.updateStep(lease, rows.subList(0, rows.size() - 1), rows.getLast());
  }

  boolean insertStep(RunLease lease, StepRecord row) {
    return carrying(first -> store.insertStep(lease, first, row));
  }

  EngineStore.StepStart startStep(RunLease lease, StepRecord row) {
    return carrying(first -> store.startStep(lease, first, row));
  }

  boolean updateStep(RunLease lease, StepRecord row) {
    return carrying(first -> store.updateStep(lease, first, row));
  }

  Optional<StepRecord> consumeEvent(RunLease lease, StepRecord waitStep, Instant now) {
    writeFinished();
    return guarded(() -> store.consumeEvent(lease, waitStep, now));
  }

  boolean moveRun(RunLease lease, Decision.Move move, RunUpdate update, Instant at) {
    return carrying(first -> store.moveRun(lease, first, move, update, at));
  }

  /**
   * The run's status change made from another thread than the run's: a pause settled by the request
   * that asked for it, while no attempt was in flight. It waits for a write of the run in progress
   * (the write lock): committed between that write taking the waiting records and committing them,
   * the pause would fence that write, the records would be lost, and their steps would run again on
   * resume.
   */
  boolean moveRunFromOutside(RunLease lease, Decision.Move move, RunUpdate update, Instant at) {
    return carrying(writeOrder.writeLock(), first -> store.moveRun(lease, first, move, update, at));
  }

  FailurePolicy failurePolicy(long instanceSeq) {
    return guarded(() -> store.failurePolicy(instanceSeq));
  }

  boolean pauseAtStep(
      RunLease lease, StepRecord exhausted, Decision.Move move, RunUpdate update, Instant at) {
    writeFinished();
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
