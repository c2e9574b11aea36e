package dev.stepflow.engine.runtime;

import dev.stepflow.domain.StepRecord;
import java.time.Instant;

/**
 * Ends one branch of a fan-out ({@link FanOut}) where a lone step would end the whole run: the
 * branch stops, and the run's own thread decides once every branch has settled, so that no branch
 * pauses, suspends or fails the instance under the feet of the others. An Error, so workflow code
 * that catches Exception cannot swallow it.
 */
final class BranchStop extends Error {
  enum Kind {
    /** A pause was asked for: the branch starts no new attempt. */
    PAUSE_REQUESTED,
    /** The branch backs off before its next attempt, until {@link #wakeAt}. */
    WAITS,
    /** The branch ran out of retries and the instance pauses on failure. */
    EXHAUSTED
  }

  final Kind kind;
  final Instant wakeAt;
  final StepRecord exhausted;
  final String errorName;
  final String errorMessage;

  private BranchStop(
      Kind kind, Instant wakeAt, StepRecord exhausted, String errorName, String errorMessage) {
    super(kind.name(), null, false, false);
    this.kind = kind;
    this.wakeAt = wakeAt;
    this.exhausted = exhausted;
    this.errorName = errorName;
    this.errorMessage = errorMessage;
  }

  static BranchStop pauseRequested() {
    return new BranchStop(Kind.PAUSE_REQUESTED, null, null, null, null);
  }

  static BranchStop waitsUntil(Instant wakeAt) {
    return new BranchStop(Kind.WAITS, wakeAt, null, null, null);
  }

  static BranchStop exhausted(StepRecord row, String errorName, String errorMessage) {
    return new BranchStop(Kind.EXHAUSTED, null, row, errorName, errorMessage);
  }
}
