package dev.stepflow.store;

import dev.stepflow.domain.Limits;
import dev.stepflow.domain.RollbackOutcome;
import java.time.Instant;

/**
 * The run's data that its own status change sets besides the status: the wake time and awaited
 * event of a suspension (null: none), and a result, error or rollback outcome (null: unchanged).
 */
public record RunUpdate(
    String outputJson,
    String errorName,
    String errorMessage,
    Instant wakeAt,
    String waitingForEvent,
    RollbackOutcome rollbackOutcome,
    String rollbackErrorName,
    String rollbackErrorMessage) {

  /** Error messages are recorded cut to {@link Limits#MAX_ERROR_MESSAGE_CHARS}. */
  public RunUpdate {
    errorMessage = Limits.cutErrorMessage(errorMessage);
    rollbackErrorMessage = Limits.cutErrorMessage(rollbackErrorMessage);
  }

  public static RunUpdate none() {
    return new RunUpdate(null, null, null, null, null, null, null, null);
  }

  public static RunUpdate succeeded(String outputJson) {
    return new RunUpdate(outputJson, null, null, null, null, null, null, null);
  }

  public static RunUpdate failed(String errorName, String errorMessage) {
    return new RunUpdate(null, errorName, errorMessage, null, null, null, null, null);
  }

  public static RunUpdate suspendedUntil(Instant wakeAt, String waitingForEvent) {
    return new RunUpdate(null, null, null, wakeAt, waitingForEvent, null, null, null);
  }

  /** A finished rollback keeps the run's error (failure path) and adds the rollback outcome. */
  public RunUpdate withRollback(RollbackOutcome outcome, String errorName, String errorMessage) {
    return new RunUpdate(
        outputJson,
        this.errorName,
        this.errorMessage,
        wakeAt,
        waitingForEvent,
        outcome,
        errorName,
        errorMessage);
  }
}
