package dev.stepflow.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * How long a finished instance is kept before it is deleted with its state: {@code successMillis}
 * after it completed, {@code errorMillis} after it errored or was terminated. Null keeps it
 * forever.
 */
public record Retention(Long successMillis, Long errorMillis) {
  public static final Retention FOREVER = new Retention(null, null);

  /** The statuses whose instances the success retention applies to. */
  public static final Set<Status> SUCCEEDED = EnumSet.of(Status.COMPLETE);

  /** The statuses whose instances the error retention applies to. */
  public static final Set<Status> FAILED = EnumSet.of(Status.ERRORED, Status.TERMINATED);

  /** This retention where it says something, else {@code fallback}'s, field by field. */
  public Retention orElse(Retention fallback) {
    return new Retention(
        successMillis != null ? successMillis : fallback.successMillis,
        errorMillis != null ? errorMillis : fallback.errorMillis);
  }
}
