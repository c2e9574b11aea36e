package dev.stepflow.domain;

/** A fact the engine reports about a run; the table decides what status it leads to. */
public enum EngineEvent implements Trigger {
  RUN_STARTED,
  RUN_SUSPENDED,
  WAIT_ENDED,
  STEPS_SETTLED,
  /** A step failed after its last retry, and the instance's on_failure is pause. */
  STEP_EXHAUSTED,
  RUN_SUCCEEDED,
  RUN_FAILED,
  RUN_FAILED_WITH_COMPENSATIONS,
  FAILURE_COMPENSATED,
  TERMINATION_COMPENSATED;

  @Override
  public String label() {
    return name();
  }
}
