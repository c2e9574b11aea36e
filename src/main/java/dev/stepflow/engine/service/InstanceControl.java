package dev.stepflow.engine.service;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.CurrentStatus;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Precondition;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.TransitionRejected;
import dev.stepflow.domain.TransitionTable;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.engine.runtime.EngineHooks;
import dev.stepflow.engine.runtime.EngineMetrics;
import dev.stepflow.engine.runtime.EngineMetrics.ChangeOutcome;
import dev.stepflow.store.BulkItemReceipt;
import dev.stepflow.store.InstanceStore;
import dev.stepflow.store.InstanceStore.MoveAttempt;
import dev.stepflow.store.InstanceStore.MoveResult;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The one entry point for pause, resume, terminate and restart. The store reads the instance, asks
 * the transition table and applies a move as a compare-and-set on the status the table decided
 * from, in one write transaction, so a legal action cannot lose a race with another writer. Should
 * the compare-and-set still update no row (a store without a single writer), the decision is made
 * again, a bounded number of times, and after that the client is told to retry.
 */
public final class InstanceControl {
  /** Each retry means another writer won a race on this very instance between read and write. */
  private static final int MAX_DECISIONS = 5;

  private final InstanceStore store;
  private final TransitionTable table;
  private final Clock clock;
  private final EngineHooks engine;
  private final EngineMetrics metrics;

  public InstanceControl(
      InstanceStore store, TransitionTable table, Clock clock, EngineHooks engine) {
    this(store, table, clock, engine, EngineMetrics.NONE);
  }

  /** As above, counting each decided request in {@code metrics}. */
  public InstanceControl(
      InstanceStore store,
      TransitionTable table,
      Clock clock,
      EngineHooks engine,
      EngineMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.table = table;
    this.clock = clock;
    this.engine = engine;
  }

  /**
   * Applies {@code action} by {@code actor}, with no reason, request id or condition; {@code
   * restartFrom} only accompanies RESTART (the http layer checks).
   */
  public StatusOutcome apply(
      InstanceRef ref, Action action, Optional<StepRef> restartFrom, String actor) {
    return apply(ref, action, restartFrom, ChangeOrigin.of(actor), Precondition.NONE);
  }

  /**
   * Applies {@code action} as {@code origin} asks (its actor, reason and request id go into the
   * status history), if the instance meets {@code precondition} when the action is decided, in the
   * same transaction; else throws {@link dev.stepflow.domain.PreconditionFailed} and changes
   * nothing. A rejected action throws {@link TransitionRejected}, a missing instance
   * INSTANCE_NOT_FOUND.
   */
  public StatusOutcome apply(
      InstanceRef ref,
      Action action,
      Optional<StepRef> restartFrom,
      ChangeOrigin origin,
      Precondition precondition) {
    return apply(ref, action, restartFrom, origin, precondition, Optional.empty());
  }

  /**
   * As above; with a {@code receipt} (a bulk job's item), a move commits with the item's outcome or
   * not at all ({@link dev.stepflow.store.ItemAlreadySettled}). This is the one path of every
   * client's status change, single or bulk.
   */
  public StatusOutcome apply(
      InstanceRef ref,
      Action action,
      Optional<StepRef> restartFrom,
      ChangeOrigin origin,
      Precondition precondition,
      Optional<BulkItemReceipt> receipt) {
    for (int attempt = 0; attempt < MAX_DECISIONS; attempt++) {
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      MoveAttempt tried =
          store.decideAndMove(
              ref,
              instance -> {
                precondition.check(instance);
                return table.decide(instance.status(), action);
              },
              origin,
              now,
              restartFrom,
              receipt);
      if (tried.result() == MoveResult.NOT_FOUND) {
        throw WorkflowException.instanceNotFound(ref);
      }
      Optional<StatusOutcome> outcome = outcome(tried, action, now);
      if (outcome.isPresent()) {
        return outcome.get();
      }
    }
    throw new WorkflowException(
        ErrorCode.STORE_UNAVAILABLE,
        "Instance '"
            + ref.instanceId()
            + "' kept changing status while "
            + action.label()
            + " was applied; read its status and try again.");
  }

  /** The answer for one decision; empty when the compare-and-set lost and must be decided again. */
  private Optional<StatusOutcome> outcome(MoveAttempt tried, Action action, Instant now) {
    CurrentStatus before = tried.before();
    return switch (tried.decision()) {
      case Decision.NoOp noOp -> {
        metrics.statusChange(action, ChangeOutcome.NOOP, null);
        yield Optional.of(
            new StatusOutcome(noOp.current(), before.statusChangedOn(), before.etag(), false));
      }
      case Decision.Reject reject -> {
        metrics.statusChange(action, ChangeOutcome.REJECTED, action.rejectedWith());
        throw new TransitionRejected(
            before.ref(), reject.current(), action, reject.allowedActions());
      }
      case Decision.Move move -> {
        if (tried.applied().isEmpty()) {
          yield Optional.empty();
        }
        metrics.statusChange(action, ChangeOutcome.APPLIED, null);
        engine.afterMove(tried.applied().get());
        yield Optional.of(new StatusOutcome(move.to(), now, before.etagAfterMove(), true));
      }
    };
  }

  /** True when {@code action} was applied; a rejection or a vanished instance counts as skipped. */
  public boolean applyIfAllowed(InstanceRef ref, Action action, String actor) {
    return applyIfAllowed(ref, action, ChangeOrigin.of(actor));
  }

  /**
   * As above as {@code origin} asks: for batch and bulk jobs, which pass the origin of the call
   * that started them so that each instance's history names its actor, reason and request id.
   */
  public boolean applyIfAllowed(InstanceRef ref, Action action, ChangeOrigin origin) {
    try {
      apply(ref, action, Optional.empty(), origin, Precondition.NONE);
      return true;
    } catch (WorkflowException e) {
      if (e.problems().getFirst().code() == ErrorCode.STORE_UNAVAILABLE) {
        throw e;
      }
      return false;
    }
  }
}
