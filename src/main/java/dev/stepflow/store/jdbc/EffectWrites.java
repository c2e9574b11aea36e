package dev.stepflow.store.jdbc;

import dev.stepflow.domain.Effect;
import dev.stepflow.domain.RollbackCause;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepStatus;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.jdbc.MoveWrite.Column;
import dev.stepflow.store.jdbc.MoveWrite.Context;
import dev.stepflow.store.jdbc.MoveWrite.Plan;
import dev.stepflow.store.jdbc.MoveWrite.Sql;

/**
 * The store's handler of every {@link Effect}: what it writes in the move's transaction. One case
 * per effect; an effect that only the runtime carries out writes nothing here (a test holds this
 * switch to the carriers each effect declares).
 */
final class EffectWrites {
  /**
   * Resume: relative deadlines move on by the time the instance spent paused. It runs after the
   * move's UPDATE, which leaves paused_at to it, so that nothing is shifted unless the move
   * applied.
   */
  private static final String SHIFT_STEP_DEADLINES =
      """
      UPDATE step SET wake_at = wake_at + (? - (SELECT paused_at FROM instance WHERE seq = ?))
       WHERE instance_seq = ? AND wake_at IS NOT NULL AND wake_absolute = 0
         AND status IN (%s)
         AND (SELECT paused_at FROM instance WHERE seq = ?) IS NOT NULL"""
          .formatted(WireLiterals.quotedSteps(StepStatus.RUNNING, StepStatus.WAITING));

  /** The pause is over once its length was added to the deadlines. */
  private static final String PAUSE_ENDED = "UPDATE instance SET paused_at = NULL WHERE seq = ?";

  private static final String WIPE_STEPS_FROM =
      "DELETE FROM step WHERE instance_seq = ? AND step_seq >= ?";
  private static final String WIPE_EVENTS = "DELETE FROM event WHERE instance_seq = ?";

  /**
   * A restart from a step also wipes the do steps before it whose rollback handler completed: their
   * effects were undone, so they count as not done and run again.
   */
  private static final String WIPE_COMPENSATED_STEPS =
      """
      DELETE FROM step WHERE instance_seq = ? AND type = %s
         AND EXISTS (SELECT 1 FROM step r
                      WHERE r.instance_seq = step.instance_seq AND r.type = %s
                        AND r.name = step.name AND r.count = step.count AND r.status = %s)"""
          .formatted(
              WireLiterals.quoted(StepKind.DO),
              WireLiterals.quoted(StepKind.ROLLBACK),
              WireLiterals.quotedSteps(StepStatus.COMPLETE));

  private EffectWrites() {}

  static void write(Effect effect, Context move, Plan plan) {
    switch (effect) {
      case STOP_AFTER_CURRENT_STEP, CANCEL_PAUSE -> {
        // the run does it; its status is the move's own
      }
      case INTERRUPT_WAIT -> clearWait(plan);
      case INTERRUPT_RUN -> plan.assign(Column.RUN_ID, Sql.of("run_id + 1"));
      case START_RUN -> startRun(move, plan);
      case COMPENSATE_TERMINATION -> startRollback(RollbackCause.TERMINATION, plan);
      case COMPENSATE_FAILURE -> startRollback(RollbackCause.FAILURE, plan);
      case WIPE_STEPS -> wipeSteps(move, plan);
      case ENQUEUE -> clearWait(plan.set(Column.QUEUED_ON, move.at()));
      case RECORD_TERMINATION -> plan.recordTermination();
      case STAMP_PAUSE_START -> plan.set(Column.PAUSED_AT, move.at());
      case CLEAR_STEP_ERROR -> plan.set(Column.ERROR_NAME, null).set(Column.ERROR_MESSAGE, null);
      case SHIFT_DEADLINES_BY_PAUSE ->
          plan.after(
                  Sql.of(
                      SHIFT_STEP_DEADLINES,
                      move.at(),
                      move.instanceSeq(),
                      move.instanceSeq(),
                      move.instanceSeq()))
              .after(Sql.of(PAUSE_ENDED, move.instanceSeq()));
    }
  }

  /** Nothing wakes the instance: no wake time, no awaited event. */
  private static void clearWait(Plan plan) {
    plan.set(Column.WAKE_AT, null).set(Column.WAITING_FOR_EVENT, null);
  }

  /** A new run id fences any older run; the claiming node holds the instance under its lease. */
  private static void startRun(Context move, Plan plan) {
    if (move.owner() == null) {
      throw new IllegalStateException("a move that starts a run needs the node that claims it");
    }
    clearWait(plan);
    plan.assign(Column.RUN_ID, Sql.of("run_id + 1"))
        .assign(Column.STARTED_ON, Sql.of("COALESCE(started_on, ?)", move.at()))
        .set(Column.OWNER_NODE, move.owner().nodeId())
        .set(Column.LEASE_UNTIL, move.owner().leaseUntil());
  }

  private static void startRollback(RollbackCause cause, Plan plan) {
    plan.set(Column.ROLLBACK_CAUSE, WireNames.rollbackCause(cause));
  }

  /**
   * A restart: the steps (all, or from the restart step on) go, and with them what the old run left
   * on the instance; a restart without a step also drops the buffered events and starts the
   * instance's clock again.
   */
  private static void wipeSteps(Context move, Plan plan) {
    clearWait(plan);
    for (Column column :
        new Column[] {
          Column.ENDED_ON,
          Column.OUTPUT_JSON,
          Column.ERROR_NAME,
          Column.ERROR_MESSAGE,
          Column.PAUSED_AT,
          Column.ROLLBACK_CAUSE,
          Column.ROLLBACK_OUTCOME,
          Column.ROLLBACK_ERROR_NAME,
          Column.ROLLBACK_ERROR_MESSAGE
        }) {
      plan.set(column, null);
    }
    if (move.restartFromStep().isPresent()) {
      plan.after(Sql.of(WIPE_COMPENSATED_STEPS, move.instanceSeq()));
    }
    long fromStep = move.restartFromStep().orElse(0);
    plan.after(Sql.of(WIPE_STEPS_FROM, move.instanceSeq(), fromStep));
    if (move.restartFromStep().isEmpty()) {
      plan.set(Column.STARTED_ON, null).after(Sql.of(WIPE_EVENTS, move.instanceSeq()));
    }
  }
}
