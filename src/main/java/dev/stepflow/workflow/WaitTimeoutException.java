package dev.stepflow.workflow;

/** A waitForEvent saw no event of its type before its timeout; catchable, never retried. */
public final class WaitTimeoutException extends StepFailedException {
  public WaitTimeoutException(String message) {
    super("WaitTimeoutError", message);
  }
}
