package dev.stepflow.engine.service;

import dev.stepflow.domain.AuditEntry;
import dev.stepflow.domain.AuditQuery;
import dev.stepflow.domain.Page;
import dev.stepflow.store.AuditStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account-level audit log of control calls: the http layer records every call it answered
 * (whatever the answer), readers list them, and {@link Housekeeping} drops those older than the
 * retention. Entries name workflows and instances without referring to them, so they outlive what
 * they name.
 *
 * <p>Recording does not wait for a commit: entries are queued and a writer thread appends them in
 * batches, one transaction each, so that a control call costs one commit (its change), not two (a
 * second commit per call cut the creation throughput by about a quarter). Reading and purging write
 * what is queued first, so a client reads its own calls; a stop writes what is queued; a kill -9
 * loses at most the entries of the last moments (the batch being written). A full queue makes
 * {@link #record} wait, so a store that cannot keep up slows calls down instead of losing entries.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private static final int MAX_QUEUED = 10_000;
  private static final int BATCH = 500;
  private static final int ATTEMPTS = 3;
  private static final Duration FLUSH_WAIT = Duration.ofSeconds(10);
  private static final long POLL_MS = 100;

  private final AuditStore store;
  private final Clock clock;
  private final Duration retention;

  /**
   * A blocking queue rather than a list under one monitor: every control call records an entry, and
   * 64 concurrent calls contended for that monitor (about 5 % of a PATCH's request time went into
   * entering it). The queue's producers share only its put lock and wake the writer only when it
   * was empty.
   */
  private final BlockingQueue<AuditEntry> queued = new LinkedBlockingQueue<>(MAX_QUEUED);

  private final AtomicLong recordedCount = new AtomicLong();

  /** Guards {@link #writtenCount}; {@link #flush} waits on it. */
  private final Object written = new Object();

  private long writtenCount;
  private volatile boolean closed;
  private final Thread writer;

  public AuditLog(AuditStore store, Clock clock, Duration retention) {
    this.store = store;
    this.clock = clock;
    this.retention = retention;
    this.writer = Thread.ofPlatform().name("audit-writer").daemon().start(this::writeUntilClosed);
  }

  /** Queues {@code entry}, made now; the entry's own time and id are ignored. */
  public void record(AuditEntry entry) {
    AuditEntry stamped =
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
            entry.requestId());
    if (closed || !enqueue(stamped)) {
      store.append(stamped);
      return;
    }
    recordedCount.incrementAndGet();
    if (closed) {
      // the writer may have stopped before the entry came: whoever sees it queued writes it
      writeQueued();
    }
  }

  /** Waits while the queue is full; false once the log is closed (the caller writes the entry). */
  private boolean enqueue(AuditEntry entry) {
    try {
      while (!queued.offer(entry, POLL_MS, TimeUnit.MILLISECONDS)) {
        if (closed) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the audit writer", e);
    }
  }

  public Page<AuditEntry> list(AuditQuery query) {
    flush();
    return store.list(query);
  }

  /** The instant before which entries are past the retention. */
  public Instant cutoff() {
    return clock.instant().minus(retention);
  }

  /** Deletes the entries older than the retention; returns how many. */
  public int purge() {
    flush();
    return store.purgeOlderThan(cutoff());
  }

  public Duration retention() {
    return retention;
  }

  /** Waits until the entries queued so far are written (or given up on), at most a while. */
  public void flush() {
    long target = recordedCount.get();
    long deadline = System.nanoTime() + FLUSH_WAIT.toNanos();
    synchronized (written) {
      while (writtenCount < target && System.nanoTime() < deadline && writer.isAlive()) {
        try {
          written.wait(POLL_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the audit writer", e);
        }
      }
    }
  }

  private void writeUntilClosed() {
    while (true) {
      AuditEntry first;
      try {
        first = queued.poll(POLL_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (first == null) {
        if (closed) {
          return;
        }
        continue;
      }
      List<AuditEntry> batch = new ArrayList<>(BATCH);
      batch.add(first);
      queued.drainTo(batch, BATCH - 1);
      writeAndCount(batch);
    }
  }

  /** Writes whatever is queued, on the calling thread: at close, and for an entry queued after. */
  private void writeQueued() {
    List<AuditEntry> batch = new ArrayList<>();
    queued.drainTo(batch);
    if (!batch.isEmpty()) {
      writeAndCount(batch);
    }
  }

  private void writeAndCount(List<AuditEntry> batch) {
    writeBatch(batch);
    synchronized (written) {
      writtenCount += batch.size();
      written.notifyAll();
    }
  }

  /** Appends the batch, trying a few times while the store is unavailable, then gives up on it. */
  private void writeBatch(List<AuditEntry> batch) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        store.appendAll(batch);
        return;
      } catch (RuntimeException e) {
        if (attempt == ATTEMPTS) {
          log.error(
              "{} audit entries were not recorded (the first of request {}): {}",
              batch.size(),
              batch.getFirst().requestId(),
              e.getMessage());
          return;
        }
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is queued and stops the writer. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(FLUSH_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeQueued();
  }
}
