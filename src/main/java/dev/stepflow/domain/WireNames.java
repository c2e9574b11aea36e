package dev.stepflow.domain;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * The names statuses, step kinds and outcomes have outside Java: in the contract, in messages and
 * in the store. Each is written once, here, as an exhaustive switch; everything else asks for them.
 */
public final class WireNames {
  private WireNames() {}

  public static String status(Status status) {
    return switch (status) {
      case QUEUED -> "queued";
      case RUNNING -> "running";
      case PAUSED -> "paused";
      case ERRORED -> "errored";
      case TERMINATED -> "terminated";
      case COMPLETE -> "complete";
      case WAITING_FOR_PAUSE -> "waitingForPause";
      case WAITING -> "waiting";
      case ROLLING_BACK -> "rollingBack";
    };
  }

  public static String stepKind(StepKind kind) {
    return switch (kind) {
      case DO -> "do";
      case SLEEP -> "sleep";
      case WAIT_FOR_EVENT -> "waitForEvent";
      case ROLLBACK -> "rollback";
    };
  }

  public static String stepStatus(StepStatus status) {
    return switch (status) {
      case RUNNING -> "running";
      case WAITING -> "waiting";
      case COMPLETE -> "complete";
      case ERRORED -> "errored";
    };
  }

  public static String rollbackOutcome(RollbackOutcome outcome) {
    return switch (outcome) {
      case COMPLETE -> "complete";
      case FAILED -> "failed";
    };
  }

  public static String rollbackCause(RollbackCause cause) {
    return switch (cause) {
      case TERMINATION -> "termination";
      case FAILURE -> "failure";
    };
  }

  public static String failurePolicy(FailurePolicy policy) {
    return switch (policy) {
      case ERROR -> "error";
      case PAUSE -> "pause";
    };
  }

  /**
   * The contract's type of a step's entry in GET instance's log: a do step is a "step"; the other
   * kinds are named as in the store.
   */
  public static String logEntryType(StepKind kind) {
    return kind == StepKind.DO ? "step" : stepKind(kind);
  }

  /** The log entry of a termination, which is no step. */
  public static final String TERMINATION_ENTRY = "termination";

  public static String bulkJobState(BulkJob.State state) {
    return switch (state) {
      case RUNNING -> "running";
      case COMPLETE -> "complete";
      case CANCELLED -> "cancelled";
    };
  }

  public static String bulkItemOutcome(BulkItem.Outcome outcome) {
    return switch (outcome) {
      case PENDING -> "pending";
      case APPLIED -> "applied";
      case SKIPPED -> "skipped";
      case FAILED -> "failed";
      case CANCELLED -> "cancelled";
      case WOULD_APPLY -> "would_apply";
      case WOULD_SKIP -> "would_skip";
    };
  }

  /** A bulk job's action as the store keeps it; terminate with rollback has its own name. */
  public static String bulkAction(BulkAction action) {
    return switch (action) {
      case PAUSE -> "pause";
      case RESUME -> "resume";
      case TERMINATE -> "terminate";
      case TERMINATE_WITH_ROLLBACK -> "terminate+rollback";
      case RESTART -> "restart";
      case DELETE -> "delete";
    };
  }

  public static Optional<BulkJob.State> parseBulkJobState(String wire) {
    return parse(BulkJob.State.values(), WireNames::bulkJobState, wire);
  }

  public static Optional<BulkItem.Outcome> parseBulkItemOutcome(String wire) {
    return parse(BulkItem.Outcome.values(), WireNames::bulkItemOutcome, wire);
  }

  public static Optional<BulkAction> parseBulkAction(String wire) {
    return parse(BulkAction.values(), WireNames::bulkAction, wire);
  }

  public static Optional<Status> parseStatus(String wire) {
    return parse(Status.values(), WireNames::status, wire);
  }

  public static Optional<StepKind> parseStepKind(String wire) {
    return parse(StepKind.values(), WireNames::stepKind, wire);
  }

  public static Optional<StepStatus> parseStepStatus(String wire) {
    return parse(StepStatus.values(), WireNames::stepStatus, wire);
  }

  public static Optional<RollbackOutcome> parseRollbackOutcome(String wire) {
    return parse(RollbackOutcome.values(), WireNames::rollbackOutcome, wire);
  }

  public static Optional<RollbackCause> parseRollbackCause(String wire) {
    return parse(RollbackCause.values(), WireNames::rollbackCause, wire);
  }

  public static Optional<FailurePolicy> parseFailurePolicy(String wire) {
    return parse(FailurePolicy.values(), WireNames::failurePolicy, wire);
  }

  private static <E> Optional<E> parse(E[] values, Function<E, String> name, String wire) {
    return Arrays.stream(values).filter(v -> name.apply(v).equals(wire)).findFirst();
  }
}
