package dev.stepflow.engine.service;

import dev.stepflow.domain.RateLimited;
import dev.stepflow.domain.WorkflowRef;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Instance creation rates, per account and per workflow, as token buckets that hold one second of
 * their rate: a burst of that size passes, then creation continues at the rate. A batch counts each
 * instance and passes whole or not at all, taking from neither bucket when either is short. The
 * limits are per node. A rate of 0 means unlimited; the configuration that supplies the rates
 * refuses negative ones.
 */
public final class CreationRateLimiter {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** Past this many buckets, full ones are dropped: a full bucket is the same as no bucket. */
  private static final int PRUNE_AT = 10_000;

  private final int perAccount;
  private final int perWorkflow;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> accounts = new HashMap<>();
  private final Map<WorkflowRef, Bucket> workflows = new HashMap<>();

  public CreationRateLimiter(int perAccount, int perWorkflow) {
    this(perAccount, perWorkflow, System::nanoTime);
  }

  CreationRateLimiter(int perAccount, int perWorkflow, LongSupplier nanoTime) {
    this.perAccount = perAccount;
    this.perWorkflow = perWorkflow;
    this.nanoTime = nanoTime;
  }

  public static CreationRateLimiter unlimited() {
    return new CreationRateLimiter(0, 0);
  }

  /** Takes {@code count} creations for {@code workflow}, or throws {@link RateLimited}. */
  public synchronized void acquire(WorkflowRef workflow, int count) {
    long now = nanoTime.getAsLong();
    Bucket account =
        perAccount == 0
            ? null
            : accounts.computeIfAbsent(workflow.accountId(), k -> new Bucket(perAccount, now));
    Bucket flow =
        perWorkflow == 0
            ? null
            : workflows.computeIfAbsent(workflow, k -> new Bucket(perWorkflow, now));
    long accountWait = account == null ? 0 : account.waitFor(count, now);
    long workflowWait = flow == null ? 0 : flow.waitFor(count, now);
    if (accountWait > 0 || workflowWait > 0) {
      boolean accountShort = accountWait >= workflowWait;
      throw refusal(workflow, count, accountShort, Math.max(accountWait, workflowWait));
    }
    if (account != null) {
      account.take(count);
    }
    if (flow != null) {
      flow.take(count);
    }
    prune(now);
  }

  private RateLimited refusal(WorkflowRef workflow, int count, boolean account, long waitNanos) {
    int rate = account ? perAccount : perWorkflow;
    String scope =
        account
            ? "account '" + workflow.accountId() + "'"
            : "workflow '" + workflow.workflowName() + "'";
    String what = count == 1 ? "1 instance" : count + " instances";
    if (count > rate) {
      return new RateLimited(
          "Creating "
              + what
              + " at once exceeds the rate of "
              + scope
              + " ("
              + rate
              + " per second); send them in smaller batches.",
          1);
    }
    long seconds = Math.max(1, (waitNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
    return new RateLimited(
        "Too many instances created in "
            + scope
            + ": at most "
            + rate
            + " per second. Creating "
            + what
            + " is possible again in "
            + seconds
            + " s.",
        seconds);
  }

  private void prune(long now) {
    if (accounts.size() > PRUNE_AT) {
      accounts.values().removeIf(b -> b.isFull(now));
    }
    if (workflows.size() > PRUNE_AT) {
      workflows.values().removeIf(b -> b.isFull(now));
    }
  }

  /** Holds up to {@code rate} permits, refilled continuously at {@code rate} per second. */
  private static final class Bucket {
    private final int rate;
    private double permits;
    private long updatedAt;

    Bucket(int rate, long now) {
      this.rate = rate;
      this.permits = rate;
      this.updatedAt = now;
    }

    /** Nanoseconds until {@code count} permits are there; 0 if they are now; MAX if never. */
    long waitFor(int count, long now) {
      refill(now);
      if (count > rate) {
        return Long.MAX_VALUE;
      }
      double missing = count - permits;
      return missing <= 0 ? 0 : (long) Math.ceil(missing * NANOS_PER_SECOND / rate);
    }

    void take(int count) {
      permits -= count;
    }

    boolean isFull(long now) {
      refill(now);
      return permits >= rate;
    }

    private void refill(long now) {
      permits = Math.min(rate, permits + (double) (now - updatedAt) * rate / NANOS_PER_SECOND);
      updatedAt = now;
    }
  }
}
