package dev.stepflow.web;

/**
 * The front cannot serve as configured: the address cannot be had, or the TLS files cannot be used.
 * The message is one sentence for the operator: what, why, and the fix.
 */
public final class CannotServe extends RuntimeException {
  public CannotServe(String message, Throwable cause) {
    super(message, cause);
  }

  public CannotServe(String message) {
    super(message);
  }
}
