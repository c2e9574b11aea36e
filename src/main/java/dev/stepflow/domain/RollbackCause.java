package dev.stepflow.domain;

/**
 * Why an instance is rolling back, recorded when the rollback starts so that a node taking the
 * rollback over later knows which engine event ends it.
 */
public enum RollbackCause {
  /** A client terminated the instance with rollback: it ends terminated. */
  TERMINATION(EngineEvent.TERMINATION_COMPENSATED),
  /** The workflow failed: it ends errored. */
  FAILURE(EngineEvent.FAILURE_COMPENSATED);

  private final EngineEvent compensated;

  RollbackCause(EngineEvent compensated) {
    this.compensated = compensated;
  }

  /** The event the engine reports when the handlers have run. */
  public EngineEvent compensated() {
    return compensated;
  }
}
