package dev.stepflow.app;

import dev.stepflow.web.Readiness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The server's answer to {@code GET /readyz}: ready while the store answers a trivial query within
 * {@link #STORE_BOUND} and the engine's dispatcher thread runs.
 *
 * <p>The query runs on a thread of its own and is waited for at most the bound, so a database that
 * hangs (a dropped network, a stopped PostgreSQL whose pool waits for a connection) cannot hang the
 * probe; while such a query still hangs, later checks wait for that one rather than start another,
 * so a hung store holds one thread, not one per probe. A result is reused for {@link #CACHED_FOR},
 * so however often probes poll, the store sees at most about four queries a second.
 */
final class ReadinessCheck implements Readiness {
  static final Duration STORE_BOUND = Duration.ofSeconds(1);
  static final Duration CACHED_FOR = Duration.ofMillis(250);
  private static final int MAX_REASON = 300;

  private final Runnable storePing;
  private final BooleanSupplier dispatching;
  private final Duration bound;
  private final Duration cachedFor;
  private final LongSupplier nanoTime;
  private final Executor pingThreads =
      work -> Thread.ofVirtual().name("readiness-ping").start(work);

  private CompletableFuture<Void> ping;
  private Report last;
  private long lastAt;

  ReadinessCheck(
      Runnable storePing,
      BooleanSupplier dispatching,
      Duration bound,
      Duration cachedFor,
      LongSupplier nanoTime) {
    this.storePing = storePing;
    this.dispatching = dispatching;
    this.bound = bound;
    this.cachedFor = cachedFor;
    this.nanoTime = nanoTime;
  }

  /** The check of a server: its store's ping and its engine's dispatcher, on monotonic time. */
  static ReadinessCheck of(Runnable storePing, BooleanSupplier dispatching) {
    // System.nanoTime, not the server's Clock: the cache's age is elapsed time, which a test kit's
    // clock (moved on at will) must not change
    return new ReadinessCheck(storePing, dispatching, STORE_BOUND, CACHED_FOR, System::nanoTime);
  }

  @Override
  public synchronized Report check() {
    if (last != null && nanoTime.getAsLong() - lastAt < cachedFor.toNanos()) {
      return last;
    }
    last = new Report(List.of(store(), dispatcher()));
    lastAt = nanoTime.getAsLong();
    return last;
  }

  private Part store() {
    if (ping == null || ping.isDone()) {
      ping = CompletableFuture.runAsync(storePing, pingThreads);
    }
    try {
      ping.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return Part.ok("store");
    } catch (TimeoutException e) {
      return new Part(
          "store", "it did not answer a trivial query within " + bound.toMillis() + " ms");
    } catch (ExecutionException e) {
      return new Part("store", "a trivial query failed (" + reason(e.getCause()) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Part("store", "the check was interrupted");
    }
  }

  private Part dispatcher() {
    return dispatching.getAsBoolean()
        ? Part.ok("dispatcher")
        : new Part("dispatcher", "the engine's dispatcher thread is not running");
  }

  private static String reason(Throwable e) {
    String reasons = StartFailure.reasons(e);
    return reasons.length() <= MAX_REASON ? reasons : reasons.substring(0, MAX_REASON) + "...";
  }
}
