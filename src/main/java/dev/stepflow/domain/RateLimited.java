package dev.stepflow.domain;

/** A request refused because a rate was exceeded (429, 10429), with when to try again. */
public final class RateLimited extends WorkflowException {
  private final long retryAfterSeconds;

  public RateLimited(String message, long retryAfterSeconds) {
    super(ErrorCode.RATE_LIMITED, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Whole seconds, at least 1: the value of the Retry-After header. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
