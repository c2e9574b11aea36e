package dev.stepflow.engine.service;

import dev.stepflow.store.BulkJobStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes, in the background, what is kept only for a while: audit entries older than the audit
 * retention, bulk jobs that ended longer ago than that (with their items), and expired idempotency
 * keys. Runs shortly after the start and then every {@link #INTERVAL}; a failed round (the store is
 * down) is logged and the next one tries again. Every node of a cluster runs it; the deletes are
 * idempotent.
 */
public final class Housekeeping implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);
  static final Duration FIRST_ROUND = Duration.ofSeconds(30);
  static final Duration INTERVAL = Duration.ofHours(1);

  private final AuditLog audit;
  private final IdempotencyKeys keys;
  private final BulkJobStore bulkJobs;
  private ScheduledExecutorService timer;

  public Housekeeping(AuditLog audit, IdempotencyKeys keys, BulkJobStore bulkJobs) {
    this.audit = audit;
    this.keys = keys;
    this.bulkJobs = bulkJobs;
  }

  /** Starts the rounds. */
  public synchronized void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("housekeeping").daemon().factory());
    timer.scheduleWithFixedDelay(
        this::roundLogged, FIRST_ROUND.toSeconds(), INTERVAL.toSeconds(), TimeUnit.SECONDS);
  }

  /** What one round deleted. */
  public record Deleted(int auditEntries, int bulkJobs, int idempotencyKeys) {
    int total() {
      return auditEntries + bulkJobs + idempotencyKeys;
    }
  }

  /** One round: every purge. */
  public Deleted round() {
    return new Deleted(
        audit.purge(), bulkJobs.purgeEndedBefore(audit.cutoff()), keys.purgeExpired());
  }

  private void roundLogged() {
    try {
      Deleted deleted = round();
      if (deleted.total() > 0) {
        log.info(
            "Housekeeping deleted {} audit entries and {} bulk jobs older than {} days, and {}"
                + " expired idempotency keys",
            deleted.auditEntries(),
            deleted.bulkJobs(),
            audit.retention().toDays(),
            deleted.idempotencyKeys());
      }
    } catch (RuntimeException e) {
      log.warn("Housekeeping failed; the next round tries again: {}", e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
