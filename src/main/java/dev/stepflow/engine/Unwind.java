package dev.stepflow.engine;

/**
 * Ends a run without finishing the instance: it suspended (sleep, event wait, backoff), paused, or
 * lost its lease (terminated, restarted). An Error, so workflow code that catches Exception cannot
 * swallow it.
 */
final class Unwind extends Error {
  enum Reason {
    SUSPENDED,
    PAUSED,
    FENCED,
    ABORTED,
    COLLECTED
  }

  private final Reason reason;

  Unwind(Reason reason) {
    super(reason.name(), null, false, false);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }
}
