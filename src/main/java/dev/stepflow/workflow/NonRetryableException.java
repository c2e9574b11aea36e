package dev.stepflow.workflow;

/** Thrown by a step function to fail the step at once, without using its remaining retries. */
public class NonRetryableException extends RuntimeException {
  public NonRetryableException(String message) {
    super(message);
  }

  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
