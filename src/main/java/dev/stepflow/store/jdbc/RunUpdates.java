package dev.stepflow.store.jdbc;

import dev.stepflow.domain.WireNames;
import dev.stepflow.store.RunUpdate;
import dev.stepflow.store.jdbc.MoveWrite.Column;
import dev.stepflow.store.jdbc.MoveWrite.Plan;
import dev.stepflow.store.jdbc.MoveWrite.Sql;

/**
 * What a run's own move writes of the run's data: its wake time and awaited event replace the
 * instance's (a run that does not suspend clears them); a result, an error or a rollback outcome is
 * kept once recorded, so a later move of the run that has none does not erase it.
 */
final class RunUpdates {
  private RunUpdates() {}

  static void write(RunUpdate u, Plan plan) {
    plan.set(Column.WAKE_AT, u.wakeAt())
        .set(Column.WAITING_FOR_EVENT, u.waitingForEvent())
        .assign(Column.OUTPUT_JSON, keep(Column.OUTPUT_JSON, u.outputJson()))
        .assign(Column.ERROR_NAME, keep(Column.ERROR_NAME, u.errorName()))
        .assign(Column.ERROR_MESSAGE, keep(Column.ERROR_MESSAGE, u.errorMessage()))
        .assign(
            Column.ROLLBACK_OUTCOME,
            keep(
                Column.ROLLBACK_OUTCOME,
                u.rollbackOutcome() == null
                    ? null
                    : WireNames.rollbackOutcome(u.rollbackOutcome())))
        .assign(Column.ROLLBACK_ERROR_NAME, keep(Column.ROLLBACK_ERROR_NAME, u.rollbackErrorName()))
        .assign(
            Column.ROLLBACK_ERROR_MESSAGE,
            keep(Column.ROLLBACK_ERROR_MESSAGE, u.rollbackErrorMessage()));
  }

  private static Sql keep(Column column, Object value) {
    return Sql.of("COALESCE(?, " + column.sql() + ")", value);
  }
}
