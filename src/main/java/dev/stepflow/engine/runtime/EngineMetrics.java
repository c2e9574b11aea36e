package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.domain.StepKind;

/**
 * What the engine and its services report for {@code GET /metrics}: the composition root passes an
 * implementation over its meter registry; {@link #NONE} records nothing (tests, embedding without
 * metrics). Every call is cheap and never throws; labels are bounded enums, never an id or a name.
 */
public interface EngineMetrics {
  EngineMetrics NONE = new EngineMetrics() {};

  /** How one client status change ended. */
  enum ChangeOutcome {
    APPLIED,
    NOOP,
    REJECTED
  }

  /**
   * One PATCH .../status (or one instance of a batch terminate) was decided: {@code rejectedWith}
   * is the error a rejection answered with, null otherwise.
   */
  default void statusChange(Action action, ChangeOutcome outcome, ErrorCode rejectedWith) {}

  /** One attempt of a step function (or a rollback handler) ended after {@code nanos}. */
  default void stepAttempt(StepKind kind, boolean succeeded, long nanos) {}

  /** One instance's rollback ended. */
  default void rollback(RollbackOutcome outcome) {}

  /** A failed attempt of a step function (or rollback handler) is followed by another. */
  default void stepRetry(StepKind kind) {}

  /**
   * A waiting instance whose timer (a sleep, a retry delay, an event wait's timeout) came due was
   * claimed {@code lateNanos} after its due time.
   */
  default void timerFired(long lateNanos) {}

  /** Runs and pauses in progress that this node took over from a node that is gone. */
  default void leasesTakenOver(int count) {}
}
