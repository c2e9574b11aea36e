package dev.stepflow.store;

import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.CurrentStatus;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.LoggedStep;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.WorkflowRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Persistence of instances, their status history and their buffered events. Status changes are
 * compare-and-set on the status the transition table expects; every write is acknowledged only
 * after it committed.
 */
public interface InstanceStore {

  /**
   * What a compare-and-set did. NOT_CURRENT means the status changed underneath: re-read,
   * re-decide.
   */
  enum MoveResult {
    APPLIED,
    NOT_CURRENT,
    NOT_FOUND
  }

  /**
   * Creates all instances queued, on the workflow's newest version, or none: a missing workflow
   * throws WORKFLOW_NOT_FOUND and existing ids throw ALREADY_EXISTS naming each.
   */
  List<Instance> createInstances(
      WorkflowRef workflow, List<NewInstance> items, ChangeOrigin origin, Instant now);

  /** As above, by {@code actor} with no reason or request id. */
  default List<Instance> createInstances(
      WorkflowRef workflow, List<NewInstance> items, String actor, Instant now) {
    return createInstances(workflow, items, ChangeOrigin.of(actor), now);
  }

  Optional<Instance> findInstance(InstanceRef ref);

  Page<Instance> listInstances(InstanceQuery query);

  /** What {@link #deleteInstance} did, and the status the instance had (null when NOT_FOUND). */
  record Deletion(MoveResult result, Status status) {}

  /**
   * Deletes the instance with its steps, history and events if its status is one of {@code
   * deletableStatuses}; otherwise deletes nothing and answers NOT_CURRENT with the status found.
   * The status is read and the row deleted in one write transaction that holds the instance, so a
   * move cannot slip in between.
   */
  default Deletion deleteInstance(InstanceRef ref, Set<Status> deletableStatuses) {
    return deleteInstance(ref, deletableStatuses, Optional.empty(), null);
  }

  /**
   * As above; with a {@code receipt}, a deletion records the bulk job's item as applied at {@code
   * at} in its own transaction, or deletes nothing and throws {@link ItemAlreadySettled}.
   */
  Deletion deleteInstance(
      InstanceRef ref,
      Set<Status> deletableStatuses,
      Optional<BulkItemReceipt> receipt,
      Instant at);

  /**
   * What {@link #decideAndMove} did: the instance's status as it was read, the table's decision,
   * and for a move that committed, the move as applied. {@code before} is null when the instance
   * does not exist.
   */
  record MoveAttempt(
      CurrentStatus before, Decision decision, MoveResult result, Optional<AppliedMove> applied) {}

  /**
   * Reads the instance's status, asks {@code decide} for the decision on it and applies a move as a
   * compare-and-set, all in one write transaction that holds the instance (SQLite: the one writer;
   * PostgreSQL: a row lock, whichever connection or node writes): the status cannot change between
   * the decision and the write, so a legal action never loses a race. What {@code decide} throws (a
   * caller's unmet {@link dev.stepflow.domain.Precondition}) ends the transaction with nothing
   * written and reaches the caller. A restart from a step the current run never recorded throws
   * {@link dev.stepflow.domain.StepNotInHistory}. The history row records {@code origin}.
   *
   * <p>With a {@code receipt}, a move that applies records the bulk job's item as applied in the
   * same transaction, or nothing is written and {@link ItemAlreadySettled} is thrown. A decision
   * that moves nothing (no-op, refusal) records nothing.
   */
  MoveAttempt decideAndMove(
      InstanceRef ref,
      Function<CurrentStatus, Decision> decide,
      ChangeOrigin origin,
      Instant at,
      Optional<StepRef> restartFrom,
      Optional<BulkItemReceipt> receipt);

  /** As above, for no bulk job. */
  default MoveAttempt decideAndMove(
      InstanceRef ref,
      Function<CurrentStatus, Decision> decide,
      ChangeOrigin origin,
      Instant at,
      Optional<StepRef> restartFrom) {
    return decideAndMove(ref, decide, origin, at, restartFrom, Optional.empty());
  }

  /** As above, deciding on the status alone, by {@code actor} with no reason or request id. */
  default MoveAttempt decideAndMove(
      InstanceRef ref,
      Function<Status, Decision> decide,
      String actor,
      Instant at,
      Optional<StepRef> restartFrom) {
    return decideAndMove(
        ref, instance -> decide.apply(instance.status()), ChangeOrigin.of(actor), at, restartFrom);
  }

  /** The status history, oldest first; the first row is the creation. */
  List<StatusChange> history(InstanceRef ref);

  /**
   * One page of the status history, oldest first: at most {@code size} rows after the cursor {@code
   * after} (empty: from the creation); empty when the instance does not exist.
   */
  Optional<Page<StatusChange>> historyPage(InstanceRef ref, Optional<Long> after, int size);

  /** The recorded step, if the instance's current run started it. */
  Optional<StepRecord> findStep(InstanceRef ref, StepRef step);

  /** The steps of the instance's current run, in start order. */
  List<StepRecord> steps(InstanceRef ref);

  /**
   * The steps of the instance's current run for its log, in start order, each with its output's
   * preview in place of the output ({@link LoggedStep}): however large the outputs, reading the log
   * costs (in memory and in reads) about 1 KiB per step.
   */
  List<LoggedStep> stepLog(InstanceRef ref);

  /**
   * Buffers an event if the instance is in one of {@code acceptingStatuses}; returns NOT_CURRENT
   * when it exists in another status and NOT_FOUND when it does not exist.
   */
  MoveResult bufferEvent(
      InstanceRef ref, String type, String payloadJson, Instant now, Set<Status> acceptingStatuses);

  /**
   * Events buffered for the instance and not yet consumed, oldest first, as (type, payload JSON).
   */
  List<BufferedEvent> bufferedEvents(InstanceRef ref);

  /** An event waiting for a waitForEvent of its type. */
  record BufferedEvent(String type, String payloadJson, Instant receivedOn) {}
}
