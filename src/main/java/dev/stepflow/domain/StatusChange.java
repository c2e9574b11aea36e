package dev.stepflow.domain;

import java.time.Instant;

/**
 * One row of an instance's append-only status history: who or what moved it, from where to where,
 * when, and why. {@code from} is null for the creation row; {@code trigger} is the label of the
 * action or engine event (or "create"). {@code recordsTermination} is set by a move with {@link
 * Effect#RECORD_TERMINATION}: the instance's log shows a termination entry at that time. {@code
 * actorName}, {@code reason} and {@code requestId} come from the {@link ChangeOrigin} of the change
 * and are null where it had none.
 */
public record StatusChange(
    Status from,
    Status to,
    String trigger,
    String actor,
    Instant at,
    boolean recordsTermination,
    String actorName,
    String reason,
    String requestId) {

  /** A change by {@code actor} with no name, reason or request id. */
  public StatusChange(
      Status from,
      Status to,
      String trigger,
      String actor,
      Instant at,
      boolean recordsTermination) {
    this(from, to, trigger, actor, at, recordsTermination, null, null, null);
  }

  /** A change made by {@code origin}. */
  public static StatusChange by(
      ChangeOrigin origin,
      Status from,
      Status to,
      String trigger,
      Instant at,
      boolean recordsTermination) {
    return new StatusChange(
        from,
        to,
        trigger,
        origin.actor(),
        at,
        recordsTermination,
        origin.actorName(),
        origin.reason(),
        origin.requestId());
  }

  /** The trigger of the row that creates an instance. */
  public static final String CREATE = "create";
}
