package dev.stepflow.domain;

/** How an instance's rollback ended: every handler ran, or one failed and halted the chain. */
public enum RollbackOutcome {
  COMPLETE,
  FAILED
}
