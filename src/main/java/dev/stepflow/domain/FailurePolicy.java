package dev.stepflow.domain;

/**
 * What happens to an instance when one of its steps fails for good after its retries (its {@code
 * on_failure}, set per workflow version on PUT workflow and per instance on create, the instance's
 * winning). A step that throws a non-retryable error fails the instance under either policy: its
 * retries would not help.
 */
public enum FailurePolicy {
  /** Cloudflare's behaviour: the instance fails (its rollback handlers run, then errored). */
  ERROR,
  /**
   * The instance is paused with the step's error visible; resume tries the step again with a fresh
   * retry budget, and nothing is compensated unless a client terminates with rollback.
   */
  PAUSE;

  /** The policy of a version created without one. */
  public static final FailurePolicy DEFAULT = ERROR;
}
