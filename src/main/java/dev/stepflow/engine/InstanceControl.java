package dev.stepflow.engine;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.StatusMove;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.TransitionRejected;
import dev.stepflow.domain.TransitionTable;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.store.InstanceStore;
import dev.stepflow.store.InstanceStore.MoveResult;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The one entry point for pause, resume, terminate and restart. It reads the instance, asks the
 * transition table, and applies a move as a compare-and-set on the status the table decided from.
 * When the status changed underneath (the CAS updated no row) it re-reads and decides again, a
 * bounded number of times.
 */
public final class InstanceControl {
  /**
   * Enough for any real interleaving: each retry means another writer won a race on this instance.
   */
  private static final int MAX_DECISIONS = 5;

  private final InstanceStore store;
  private final TransitionTable table;
  private final Clock clock;
  private final EngineHooks engine;

  public InstanceControl(
      InstanceStore store, TransitionTable table, Clock clock, EngineHooks engine) {
    this.store = store;
    this.table = table;
    this.clock = clock;
    this.engine = engine;
  }

  /**
   * Applies {@code action}; {@code restartFrom} only accompanies RESTART (the http layer checks).
   */
  public StatusOutcome apply(
      InstanceRef ref, Action action, Optional<StepRef> restartFrom, String actor) {
    for (int attempt = 0; attempt < MAX_DECISIONS; attempt++) {
      Instance instance =
          store.findInstance(ref).orElseThrow(() -> WorkflowException.instanceNotFound(ref));
      Optional<StatusOutcome> outcome = tryOnce(instance, action, restartFrom, actor);
      if (outcome.isPresent()) {
        return outcome.get();
      }
    }
    throw new WorkflowException(
        action.rejectedWith(),
        "Instance '"
            + ref.instanceId()
            + "' kept changing status while "
            + action.label()
            + " was applied; read its status and try again.");
  }

  private Optional<StatusOutcome> tryOnce(
      Instance instance, Action action, Optional<StepRef> restartFrom, String actor) {
    Decision decision = table.decide(instance.status(), action);
    return switch (decision) {
      case Decision.NoOp noOp ->
          Optional.of(new StatusOutcome(noOp.current(), instance.statusChangedOn()));
      case Decision.Reject reject ->
          throw new TransitionRejected(
              instance.ref(), reject.current(), action, reject.allowedActions());
      case Decision.Move move -> applyMove(instance.ref(), move, restartFrom, actor);
    };
  }

  private Optional<StatusOutcome> applyMove(
      InstanceRef ref, Decision.Move move, Optional<StepRef> restartFrom, String actor) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    MoveResult result =
        store.moveStatusIfCurrent(ref, new StatusMove(move, actor, now, restartFrom));
    return switch (result) {
      case APPLIED -> {
        engine.afterMove(ref, move);
        yield Optional.of(new StatusOutcome(move.to(), now));
      }
      case NOT_CURRENT -> Optional.empty();
      case NOT_FOUND -> throw WorkflowException.instanceNotFound(ref);
    };
  }

  /** True when {@code action} was applied; a rejection or a vanished instance counts as skipped. */
  public boolean applyIfAllowed(InstanceRef ref, Action action, String actor) {
    try {
      apply(ref, action, Optional.empty(), actor);
      return true;
    } catch (WorkflowException e) {
      if (e.problems().getFirst().code() == ErrorCode.STORE_UNAVAILABLE) {
        throw e;
      }
      return false;
    }
  }
}
