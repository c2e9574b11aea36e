package dev.stepflow.engine.runtime;

/**
 * Ends a run without finishing the instance: it suspended (sleep, event wait, backoff), paused,
 * lost its lease (terminated, restarted), or its store failed. An Error, so workflow code that
 * catches Exception cannot swallow it.
 */
final class Unwind extends Error {
  enum Reason {
    SUSPENDED,
    PAUSED,
    FENCED,
    ABORTED,
    /** The store failed a write or read of the run: the instance is taken over later. */
    STORE_FAILED,
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
