package dev.stepflow.store;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the engine needs from the store: finding work, claiming it, and checkpointing steps. Every
 * write of a run is fenced by its {@link RunLease} and returns false when the lease is no longer
 * valid.
 */
public interface EngineStore {

  /**
   * An instance the engine should start or continue: its current run id (to claim it), the trigger
   * that started its rollback if one is under way, the workflow class of its version, and that
   * version's concurrency limit with the number of its workflow's instances holding a run slot now.
   */
  record Candidate(
      Instance instance,
      long runId,
      String rollbackCause,
      String className,
      Integer concurrencyLimit,
      int activeRuns) {

    /** How many more instances of this workflow may start now (its concurrency limit). */
    public int room() {
      return concurrencyLimit == null ? Integer.MAX_VALUE : concurrencyLimit - activeRuns;
    }
  }

  /**
   * Instances to run now, in order: waiting ones that are due (their wake time passed or the event
   * they wait for arrived) first, then queued ones first in, first out.
   */
  List<Candidate> dueInstances(Instant now, int limit);

  /** Instances in {@code status}: after a restart, those a previous process was running. */
  List<Candidate> instancesIn(Status status, int limit);

  /** The earliest wake time of a waiting instance, if any. */
  Optional<Instant> nextWake();

  /**
   * Moves the instance as {@code move} says if it is still in {@code move.from()} and its run_id is
   * {@code expectedRunId}, starting a new run: returns the new lease, or empty when another change
   * won.
   */
  Optional<RunLease> claim(
      long instanceSeq, long expectedRunId, Decision.Move move, String actor, Instant at);

  /** One claim of {@link #claimAll}: the instance, the run id it was read with, and the move. */
  record Claim(Candidate candidate, Decision.Move move) {}

  /**
   * Applies many claims in one write transaction (the dispatcher's batch); returns the lease of
   * each claim that applied, in order, and empty for those another change won.
   */
  List<Optional<RunLease>> claimAll(List<Claim> claims, String actor, Instant at);

  /**
   * Starts a new run without a status change (recovery, compensation) if the status is still {@code
   * expected}.
   */
  Optional<RunLease> takeOver(long instanceSeq, long expectedRunId, Status expected);

  /** The steps recorded for the instance's current run, in start order. */
  List<StepRow> steps(long instanceSeq);

  /** The instance's step limit, from the version it runs. */
  int stepLimit(long instanceSeq);

  boolean insertStep(RunLease lease, StepRow row);

  boolean updateStep(RunLease lease, StepRow row);

  /**
   * Takes the oldest buffered event of {@code type}, deletes it and completes {@code waitStep} with
   * {@code {type, payload, timestamp}}, in one transaction. Empty when no event of that type waits.
   */
  Optional<StepRow> consumeEvent(RunLease lease, StepRow waitStep, Instant now);

  /** The run's own status change (suspend, succeed, fail, settle a pause), fenced by its lease. */
  boolean moveRun(RunLease lease, Decision.Move move, RunUpdate update, Instant at);

  /**
   * Deletes finished instances whose retention ran out by {@code now}: success retention for {@code
   * succeeded} statuses, error retention for {@code failed} ones. Returns how many were deleted.
   */
  int deleteExpired(Instant now, java.util.Set<Status> succeeded, java.util.Set<Status> failed);

  /** The instance's status now. */
  Optional<Status> status(long instanceSeq);

  /** The run id the instance carries now (for a claim that has to start from a fresh read). */
  OptionalLong runIdOf(long instanceSeq);
}
