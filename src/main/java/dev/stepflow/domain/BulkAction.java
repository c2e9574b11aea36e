package dev.stepflow.domain;

import java.util.Optional;

/**
 * What a bulk job does to each instance it selected: one of the client actions of the transition
 * table, or deletion (which the table allows in {@link TransitionTable#deletableStatuses()}).
 */
public enum BulkAction {
  PAUSE(Action.PAUSE),
  RESUME(Action.RESUME),
  TERMINATE(Action.TERMINATE),
  TERMINATE_WITH_ROLLBACK(Action.TERMINATE_WITH_ROLLBACK),
  RESTART(Action.RESTART),
  DELETE(null);

  private final Action control;

  BulkAction(Action control) {
    this.control = control;
  }

  /** The status change this action applies; empty for {@link #DELETE}. */
  public Optional<Action> control() {
    return Optional.ofNullable(control);
  }

  /** True for the actions that terminate instances (with or without rollback). */
  public boolean terminates() {
    return control == Action.TERMINATE || control == Action.TERMINATE_WITH_ROLLBACK;
  }

  /** How messages name it: the action's label, or "delete". */
  public String label() {
    return control == null ? "delete" : control.label();
  }
}
