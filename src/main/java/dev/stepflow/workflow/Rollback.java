package dev.stepflow.workflow;

/**
 * Undoes a step (a compensation). Runs in reverse step-start order when the instance rolls back.
 */
@FunctionalInterface
public interface Rollback {
  void compensate(RollbackContext context) throws Exception;
}
