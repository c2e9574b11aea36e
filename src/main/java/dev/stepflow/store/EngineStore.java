package dev.stepflow.store;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.RollbackCause;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.WorkflowRef;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What the engine needs from the store: finding work, claiming it, and checkpointing steps. Every
 * write of a run is fenced by its {@link RunLease} and returns false when the lease is no longer
 * valid.
 *
 * <p>Several nodes may share the store. An instance that a run works on (running, waitingForPause,
 * rollingBack) carries the node that runs it and the end of that node's lease; the node renews it
 * ({@link NodeStore#renew}) while the run goes on. Another node takes the instance over only once
 * the lease has ended, and only through a compare-and-set of the run id, which fences the old run.
 */
public interface EngineStore {

  /**
   * An instance the engine should start or continue: its current run id (to claim it), why it rolls
   * back if a rollback is under way (else null), the workflow class of its version, and that
   * version's concurrency limit with the number of its workflow's instances holding a run slot now,
   * when its timer comes due if it waits for one (else null), and whether it may have recorded
   * steps. {@code mayHaveSteps} is false only for a due instance (queued or waiting) that had none
   * when it was read: none can be recorded before its claim commits, since only a run holding the
   * instance writes steps, so its run need not read them.
   */
  record Candidate(
      Instance instance,
      long runId,
      RollbackCause rollbackCause,
      String className,
      int stepLimit,
      Integer concurrencyLimit,
      int activeRuns,
      Instant timerDue,
      boolean mayHaveSteps) {

    /** How many more instances of this workflow may start now (its concurrency limit). */
    public int room() {
      return concurrencyLimit == null ? Integer.MAX_VALUE : concurrencyLimit - activeRuns;
    }
  }

  /**
   * The workflow classes a node can run. Instances of other classes are left to nodes that have
   * them: never claimed, never failed.
   */
  record Classes(Set<String> names) {
    public Classes {
      names = Set.copyOf(names);
    }

    public static Classes of(Collection<String> names) {
      return new Classes(Set.copyOf(names));
    }
  }

  /** A workflow whose due instances wait for a class this node cannot run. */
  record ClassWanted(String className, WorkflowRef workflow) {}

  /** The node that claims, and when the lease its claims give it ends. */
  record Owner(String nodeId, Instant leaseUntil) {}

  /** An instance a claim started, with the lease of its new run. */
  record Started(Candidate candidate, RunLease lease) {}

  /**
   * Claims up to {@code limit} instances due to run for {@code owner}: waiting ones whose wake time
   * passed or whose awaited event arrived first, then queued ones first in, first out. In one write
   * transaction: each gets the move {@code start} returns for its status (none: it is left), a new
   * run id and the owner's lease, and no workflow starts more instances than its concurrency limit
   * leaves room for, counted across every node. Instances another node is claiming at this moment
   * are skipped, not waited for. {@code start} may be called more than once per instance (a
   * transaction that is tried again) and must not have side effects.
   */
  List<Started> claimDue(
      Instant now,
      int limit,
      Owner owner,
      Classes runnable,
      Function<Status, Optional<Decision.Move>> start);

  /**
   * Instances in {@code status} whose run has no live node: no owner, a lease that ended before
   * {@code expiredBefore}, or (when not null) the owner {@code orOwnedBy}, for a node that looks
   * for runs of its own that ended without finishing the instance. Only instances of the {@code
   * runnable} classes, unless that is empty: then of any class (a pause settles without code).
   */
  List<Candidate> orphans(
      Status status,
      Instant expiredBefore,
      String orOwnedBy,
      Optional<Classes> runnable,
      int limit);

  /**
   * Workflows whose instances are due to run (or to be taken over) now but whose class is not one
   * of {@code runnable}: what this node leaves to others. At most {@code limit}, distinct.
   */
  List<ClassWanted> wantedClasses(Instant now, Classes runnable, int limit);

  /** How many waiting instances are due by their wake time at {@code now}. */
  int dueTimers(Instant now);

  /** The earliest wake time of a waiting instance, if any. */
  Optional<Instant> nextWake();

  /** When the instance that has been queued longest was queued, if any is queued. */
  Optional<Instant> oldestQueued();

  /**
   * Whether any instance has work to do at {@code now}: queued, held by a run (running, waiting for
   * a pause, rolling back), or waiting with its timer due or its awaited event arrived.
   */
  boolean hasPendingWork(Instant now);

  /**
   * Moves the instance as {@code move} says if it is still in {@code move.from()} with run id
   * {@code expectedRunId} and no live lease of a node other than {@code owner}'s (none, or one that
   * ended before {@code expiredBefore}), starting a new run owned by {@code owner} when the target
   * status holds a run slot: returns the new lease, or empty when another change won.
   */
  Optional<RunLease> claim(
      long instanceSeq,
      long expectedRunId,
      Decision.Move move,
      Owner owner,
      Instant expiredBefore,
      String actor,
      Instant at);

  /**
   * Starts a new run owned by {@code owner} without a status change (a takeover: replay, or
   * resuming a rollback) if the status is still {@code expected}, the run id {@code expectedRunId},
   * and no other node holds a lease that ends at {@code expiredBefore} or later.
   */
  Optional<RunLease> takeOver(
      long instanceSeq, long expectedRunId, Status expected, Owner owner, Instant expiredBefore);

  /** The steps recorded for the instance's current run, in start order. */
  List<StepRecord> steps(long instanceSeq);

  /**
   * The steps recorded for each of the instances, in start order, as {@link #steps(long)} would
   * read them one by one; an instance without steps is absent.
   */
  Map<Long, List<StepRecord>> steps(List<Long> instanceSeqs);

  /**
   * Inserts a step of the run, fenced by its lease: false, with nothing written, when the lease no
   * longer holds (the instance moved on, or another run took it over). First, in the same
   * transaction, it records {@code finished}: steps of the run that ended without a write of their
   * own (a step that returned, a sleep whose time came), so that they cost no commit of their own.
   */
  boolean insertStep(RunLease lease, List<StepRecord> finished, StepRecord row);

  /**
   * Starts a new step of the run at a step boundary: inserts {@code row}, after recording {@code
   * finished} (see {@link #insertStep}), only while the instance's status lets the run carry on
   * (running, no pause asked). The write's own condition stands in for reading the instance before
   * each step: a step that may start costs one statement, and only one that may not reads why.
   */
  StepStart startStep(RunLease lease, List<StepRecord> finished, StepRecord row);

  /** How a {@link #startStep} went. */
  sealed interface StepStart {
    /** The step is recorded and the run carries on with it. */
    record Started() implements StepStart {}

    /**
     * Nothing of the step is recorded: the instance is still the run's but in {@code status}, which
     * does not let it start a step (a pause is pending). {@code finished} is recorded.
     */
    record Held(Status status) implements StepStart {}

    /** Nothing is recorded: the run lost the instance (moved on, taken over, or gone). */
    record Fenced() implements StepStart {}
  }

  /** Updates a step of the run, after recording {@code finished}, like {@link #insertStep}. */
  boolean updateStep(RunLease lease, List<StepRecord> finished, StepRecord row);

  /**
   * Takes the oldest buffered event of {@code type}, deletes it and completes {@code waitStep} with
   * {@code {type, payload, timestamp}}, in one transaction. Empty when no event of that type waits.
   */
  Optional<StepRecord> consumeEvent(RunLease lease, StepRecord waitStep, Instant now);

  /**
   * What a step that fails after its last retry does to the instance: its own on_failure if it was
   * created with one, else its version's.
   */
  FailurePolicy failurePolicy(long instanceSeq);

  /**
   * Records {@code exhausted} (the step whose retries ran out, kept unfinished so that it runs
   * again on resume) and applies {@code move} (into paused) with {@code update} (the step's error),
   * in one transaction fenced by the run's lease: both or neither.
   */
  boolean pauseAtStep(
      RunLease lease, StepRecord exhausted, Decision.Move move, RunUpdate update, Instant at);

  /**
   * The run's own status change (suspend, succeed, fail, settle a pause), fenced by its lease,
   * after recording {@code finished} (see {@link #insertStep}). Those stay recorded when the lease
   * held but the move itself no longer applied: they are true of the run either way.
   */
  boolean moveRun(
      RunLease lease, List<StepRecord> finished, Decision.Move move, RunUpdate update, Instant at);

  /**
   * Deletes finished instances whose retention ran out by {@code now}: success retention for {@code
   * succeeded} statuses, error retention for {@code failed} ones. Returns how many were deleted.
   * When several nodes sweep at once, one of them deletes and the others return 0 at once.
   */
  int deleteExpired(Instant now, Set<Status> succeeded, Set<Status> failed);

  /**
   * Brings the per-status instance counts up to date where the store records their changes for
   * later (PostgreSQL), so that the changes to add up at each count stay few. Returns how many
   * counts it changed: 0 where counts are always up to date, or while another node folds.
   */
  int foldInstanceCounts();

  /** Where an instance stands for the run working on it: its status and current run id. */
  record RunState(Status status, long runId) {}

  /** The instance's status and run id now; empty when it no longer exists. */
  Optional<RunState> runState(long instanceSeq);

  /** {@link #runState} of many instances at once; instances that no longer exist are missing. */
  Map<Long, RunState> runStates(Collection<Long> instanceSeqs);
}
