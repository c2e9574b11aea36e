package dev.stepflow.domain;

/**
 * What a recorded step is. A step's identity is (kind, name, count); a rollback step compensates
 * the do step of the same name and count. Wire names are in {@link WireNames}.
 */
public enum StepKind {
  DO,
  SLEEP,
  WAIT_FOR_EVENT,
  ROLLBACK
}
