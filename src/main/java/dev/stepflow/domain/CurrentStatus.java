package dev.stepflow.domain;

import java.time.Instant;

/**
 * What a status change decides on: which instance ({@code ref}, and {@code seq}, its store key),
 * its status, the status version that its ETag names, and when it took that status. A change reads
 * only this, not the whole {@link Instance}: the params and the output can be large, and the
 * decision needs neither.
 */
public record CurrentStatus(
    InstanceRef ref, long seq, Status status, long statusVersion, Instant statusChangedOn) {

  /**
   * The instance's ETag: a strong entity tag, quoted, naming this instance (its seq, never reused)
   * in this status (its status version, bumped by every status move).
   */
  public String etag() {
    return etagOf(seq, statusVersion);
  }

  /** The ETag the instance has once one more move of it committed. */
  public String etagAfterMove() {
    return etagOf(seq, statusVersion + 1);
  }

  static String etagOf(long seq, long version) {
    return "\"" + seq + "." + version + "\"";
  }
}
