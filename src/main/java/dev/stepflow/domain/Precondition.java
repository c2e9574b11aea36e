package dev.stepflow.domain;

import java.util.List;
import java.util.Set;

/**
 * A caller's condition on a status change, checked against the instance as the change reads it, in
 * the same transaction: the ETags it may have (If-Match; {@code *} matches any) and the statuses it
 * may be in (if_status). Empty lists set no condition. Not a rule of the transition table: the
 * table decides what an action does, this only decides whether the caller still wants it.
 */
public record Precondition(List<String> etags, Set<Status> statuses) {
  public static final Precondition NONE = new Precondition(List.of(), Set.of());
  private static final String ANY = "*";

  public Precondition {
    etags = List.copyOf(etags);
    statuses = Set.copyOf(statuses);
  }

  /** Throws {@link PreconditionFailed} unless {@code instance} meets this condition. */
  public void check(CurrentStatus instance) {
    if (!etags.isEmpty() && !etags.contains(ANY) && !etags.contains(instance.etag())) {
      throw PreconditionFailed.etag(instance, etags);
    }
    if (!statuses.isEmpty() && !statuses.contains(instance.status())) {
      throw PreconditionFailed.status(instance, statuses.stream().sorted().toList());
    }
  }
}
