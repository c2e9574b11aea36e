package dev.stepflow.domain;

import java.time.Instant;

/**
 * One instance a bulk job selected, and what the job did to it. {@code position} orders the items
 * (the instance's creation order); {@code code} and {@code message} say why an item was skipped or
 * failed (both null for an applied or pending one); {@code doneOn} is null while it is pending.
 */
public record BulkItem(
    long position,
    String instanceId,
    Outcome outcome,
    Integer code,
    String message,
    Instant doneOn) {

  /** What happened to an item. */
  public enum Outcome {
    /** Not done yet. */
    PENDING,
    /** The action changed the instance. */
    APPLIED,
    /** Refused by the transition table (409), gone (404), or nothing to change. */
    SKIPPED,
    /** An unexpected error. */
    FAILED,
    /** The job was cancelled before the item was done. */
    CANCELLED,
    /** Dry run: the table would apply the action. */
    WOULD_APPLY,
    /** Dry run: the table would refuse it, or there would be nothing to change. */
    WOULD_SKIP
  }

  /** An outcome decided for an item, with the code and message that explain it. */
  public record Result(Outcome outcome, Integer code, String message) {
    public static Result of(Outcome outcome) {
      return new Result(outcome, null, null);
    }
  }
}
