package dev.stepflow.domain;

import java.time.Instant;

/**
 * One row of an instance's append-only status history: who or what moved it, from where to where,
 * when. {@code from} is null for the creation row; {@code trigger} is the label of the action or
 * engine event (or "create"). {@code recordsTermination} is set by a move with {@link
 * Effect#RECORD_TERMINATION}: the instance's log shows a termination entry at that time.
 */
public record StatusChange(
    Status from, Status to, String trigger, String actor, Instant at, boolean recordsTermination) {

  /** The trigger of the row that creates an instance. */
  public static final String CREATE = "create";
}
