package dev.stepflow.engine.service;

import dev.stepflow.domain.AuditEntry;
import dev.stepflow.domain.AuditQuery;
import dev.stepflow.domain.Page;
import dev.stepflow.store.AuditStore;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The account-level audit log of control calls: the http layer records every call it answered
 * (whatever the answer), readers list them, and {@link Housekeeping} drops those older than the
 * retention. Entries name workflows and instances without referring to them, so they outlive what
 * they name.
 */
public final class AuditLog {
  private final AuditStore store;
  private final Clock clock;
  private final Duration retention;

  public AuditLog(AuditStore store, Clock clock, Duration retention) {
    this.store = store;
    this.clock = clock;
    this.retention = retention;
  }

  /** Appends {@code entry}, made now; the entry's own time and id are ignored. */
  public void record(AuditEntry entry) {
    store.append(
        new AuditEntry(
            0,
            entry.accountId(),
            clock.instant().truncatedTo(ChronoUnit.MILLIS),
            entry.actor(),
            entry.actorName(),
            entry.action(),
            entry.method(),
            entry.workflowName(),
            entry.instanceId(),
            entry.httpStatus(),
            entry.reason(),
            entry.requestId()));
  }

  public Page<AuditEntry> list(AuditQuery query) {
    return store.list(query);
  }

  /** Deletes the entries older than the retention; returns how many. */
  public int purge() {
    return store.purgeOlderThan(clock.instant().minus(retention));
  }

  public Duration retention() {
    return retention;
  }
}
