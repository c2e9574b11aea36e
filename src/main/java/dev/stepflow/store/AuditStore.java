package dev.stepflow.store;

import dev.stepflow.domain.AuditEntry;
import dev.stepflow.domain.AuditQuery;
import dev.stepflow.domain.Page;
import java.time.Instant;

/**
 * The audit log of control calls. Entries refer to workflows and instances by name only, so
 * deleting either keeps them; they go only by {@link #purgeOlderThan}.
 */
public interface AuditStore {
  /** Appends {@code entry} (its id is ignored); returns after it committed. */
  default void append(AuditEntry entry) {
    appendAll(java.util.List.of(entry));
  }

  /** Appends {@code entries} in order, in one transaction; returns after it committed. */
  void appendAll(java.util.List<AuditEntry> entries);

  /** One page of the account's entries, newest first; the cursor is the last entry's id. */
  Page<AuditEntry> list(AuditQuery query);

  /** Deletes the entries made before {@code cutoff}; returns how many. */
  int purgeOlderThan(Instant cutoff);
}
