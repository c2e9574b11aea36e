package dev.stepflow.engine.service;

import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.BulkJobStore;
import dev.stepflow.store.BulkJobStore.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works this node's bulk jobs. Every second (and at once when a job is created here) it claims the
 * running jobs that nobody holds or whose holder's lease has ended (a node killed), each for a
 * lease it renews every third of the lease time, and works each on a virtual thread: the pending
 * items in order, paced to the job's rate, each through {@link BulkItemWork}. A job ends complete
 * when no item is pending; a node that loses its job (cancelled, taken over, deleted) stops working
 * it between two items, and the item it was applying is either recorded with its change or not
 * changed at all.
 *
 * <p>On a store no other node can open ({@code alone}), every lease found belongs to an earlier
 * process of this node, and is taken over at once.
 */
public final class BulkJobRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BulkJobRunner.class);
  private static final Duration SCAN_EVERY = Duration.ofSeconds(1);
  private static final int PAGE = 200;

  private final BulkJobStore jobs;
  private final BulkItemWork work;
  private final String node;
  private final Duration leaseTime;
  private final boolean alone;
  private final Clock clock;
  private final Set<String> working = ConcurrentHashMap.newKeySet();
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean closed;
  private Thread scanner;

  BulkJobRunner(
      BulkJobStore jobs,
      BulkItemWork work,
      String node,
      Duration leaseTime,
      boolean alone,
      Clock clock) {
    this.jobs = jobs;
    this.work = work;
    this.node = node;
    this.leaseTime = leaseTime;
    this.alone = alone;
    this.clock = clock;
  }

  /** Starts claiming and working jobs. */
  public void start() {
    scanner =
        Thread.ofPlatform().name("stepflow-bulk-jobs").daemon(true).start(this::scanUntilClosed);
  }

  /** A job was created on this node: claim it now rather than at the next scan. */
  void wake() {
    wake.release();
  }

  /** The lease a claim or a renewal at {@code now} takes. */
  Lease leaseFrom(Instant now) {
    return new Lease(node, now.plus(leaseTime));
  }

  private void scanUntilClosed() {
    while (!closed) {
      try {
        scanOnce();
      } catch (RuntimeException e) {
        log.warn("Could not look for bulk jobs to work on", e);
      }
      try {
        wake.tryAcquire(SCAN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void scanOnce() {
    Instant now = clock.instant();
    Instant leasesEndedBefore = alone ? Instant.ofEpochMilli(Long.MAX_VALUE) : now;
    for (String jobId : jobs.claimable(node, leasesEndedBefore)) {
      if (closed || working.contains(jobId)) {
        continue;
      }
      Optional<BulkJob> claimed = jobs.claim(jobId, leaseFrom(now), leasesEndedBefore);
      if (claimed.isPresent() && working.add(jobId)) {
        BulkJob job = claimed.get();
        Thread.ofVirtual().name("bulk-job-" + jobId).start(() -> workUntilDone(job));
      }
    }
  }

  private void workUntilDone(BulkJob job) {
    try {
      log.info(
          "Working bulk job {} ({} on workflow '{}' of account '{}'): {} of {} items pending",
          job.jobId(),
          job.spec().action().label(),
          job.workflow().workflowName(),
          job.workflow().accountId(),
          job.counts().pending(),
          job.counts().matched());
      if (workItems(job)) {
        jobs.completeIfDone(job.jobId(), node, clock.instant()).ifPresent(this::logEnd);
      } else if (!closed) {
        jobs.find(job.workflow(), job.jobId()).ifPresent(this::logEnd);
      }
    } catch (RuntimeException e) {
      log.warn("Bulk job {} paused on this node; it goes on at the next scan", job.jobId(), e);
    } finally {
      working.remove(job.jobId());
    }
  }

  /** True when no item is left pending; false when the job was lost or the node is closing. */
  private boolean workItems(BulkJob job) {
    Pace pace = new Pace(job.spec().maxPerSecond(), leaseTime.dividedBy(3), clock.instant());
    long after = Long.MIN_VALUE;
    while (!closed) {
      List<BulkItem> items = jobs.pending(job.jobId(), after, PAGE);
      if (items.isEmpty()) {
        return true;
      }
      for (BulkItem item : items) {
        if (!pace.awaitTurn(() -> holds(job, pace))) {
          return false;
        }
        if (work.apply(job, item, node) == BulkItemWork.Done.JOB_LOST && !renew(job, pace)) {
          return false;
        }
        after = item.position();
      }
    }
    return false;
  }

  /** Renews the lease when due; false when the job is no longer this node's or it is closing. */
  private boolean holds(BulkJob job, Pace pace) {
    if (closed) {
      return false;
    }
    return !pace.renewalDue(clock.instant()) || renew(job, pace);
  }

  /** Renews the lease now; false when the job is no longer this node's. */
  private boolean renew(BulkJob job, Pace pace) {
    Instant now = clock.instant();
    boolean held = jobs.renew(job.jobId(), leaseFrom(now));
    pace.renewed(now);
    return held;
  }

  private void logEnd(BulkJob job) {
    BulkJob.Counts n = job.counts();
    log.info(
        "Bulk job {} ({} on workflow '{}' of account '{}') is {}: {} matched, {} applied,"
            + " {} skipped, {} failed, {} cancelled",
        job.jobId(),
        job.spec().action().label(),
        job.workflow().workflowName(),
        job.workflow().accountId(),
        WireNames.bulkJobState(job.state()),
        n.matched(),
        n.applied(),
        n.skipped(),
        n.failed(),
        n.cancelled());
  }

  /** Stops claiming and working; this node's jobs are released for other nodes to claim. */
  @Override
  public void close() {
    closed = true;
    if (scanner != null) {
      scanner.interrupt();
      try {
        // a claim the scanner is making now must not land after the release below
        scanner.join(SCAN_EVERY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      jobs.release(node);
    } catch (RuntimeException e) {
      log.warn("Could not release this node's bulk jobs; other nodes take them after the lease", e);
    }
  }
}
