package dev.stepflow.workflow;

/**
 * Thrown into {@link Workflow#run} when a step failed for good (retries used up, non-retryable, or
 * a waitForEvent that timed out). On replay the same failure is thrown again from the record. Catch
 * it to carry on; leave it uncaught to fail the instance (which runs its rollback handlers).
 */
public class StepFailedException extends RuntimeException {
  private final String errorName;

  public StepFailedException(String errorName, String message) {
    super(message);
    this.errorName = errorName;
  }

  /** The name of the original error, e.g. the exception's simple class name. */
  public String errorName() {
    return errorName;
  }
}
