package dev.stepflow.domain;

/** The kinds of step a workflow records; step identity is (type, name, count). */
public enum StepType {
  DO("do"),
  SLEEP("sleep"),
  WAIT_FOR_EVENT("waitForEvent");

  private final String wire;

  StepType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
