package dev.stepflow.workflow;

import java.time.Duration;

/**
 * Retries and timeout of a step (or of a rollback handler). The defaults are Cloudflare's
 * production values: 5 retries (6 attempts), 10 s delay, exponential backoff, 10 minutes per
 * attempt.
 */
public record StepConfig(int retryLimit, Duration retryDelay, Backoff backoff, Duration timeout) {
  public static final StepConfig DEFAULT =
      new StepConfig(5, Duration.ofSeconds(10), Backoff.EXPONENTIAL, Duration.ofMinutes(10));

  public StepConfig {
    if (retryLimit < 0) {
      throw new IllegalArgumentException("retryLimit must be 0 or more, got " + retryLimit);
    }
    if (retryDelay.isNegative() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("retryDelay must be >= 0 and timeout > 0");
    }
  }

  public StepConfig withRetries(int limit, Duration delay, Backoff backoff) {
    return new StepConfig(limit, delay, backoff, timeout);
  }

  public StepConfig withTimeout(Duration timeout) {
    return new StepConfig(retryLimit, retryDelay, backoff, timeout);
  }

  /** How long to wait before retry number {@code retry} (1-based). */
  public Duration delayBeforeRetry(int retry) {
    return switch (backoff) {
      case CONSTANT -> retryDelay;
      case LINEAR -> retryDelay.multipliedBy(retry);
      case EXPONENTIAL -> retryDelay.multipliedBy(1L << Math.min(retry - 1, 30));
    };
  }
}
