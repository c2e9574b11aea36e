package dev.stepflow.engine.service;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * A bulk job's pace: item n starts no earlier than n / rate seconds after the job started here, so
 * no second holds more than rate items (plus the first). Waits are cut into slices no longer than
 * {@code renewEvery}, between which the job's lease is renewed; the lease is due for renewal every
 * {@code renewEvery} of the clock.
 */
final class Pace {
  private final long nanosPerItem;
  private final Duration renewEvery;
  private long nextStart;
  private Instant lastRenewal;

  Pace(int perSecond, Duration renewEvery, Instant now) {
    this.nanosPerItem = 1_000_000_000L / perSecond;
    this.renewEvery = renewEvery;
    this.nextStart = System.nanoTime();
    this.lastRenewal = now;
  }

  /**
   * Waits for the next item's turn; false, at once, when {@code stillHeld} says the job is no
   * longer this node's (it is asked between slices of the wait and once at the turn).
   */
  boolean awaitTurn(BooleanSupplier stillHeld) {
    while (true) {
      if (!stillHeld.getAsBoolean()) {
        return false;
      }
      long wait = nextStart - System.nanoTime();
      if (wait <= 0) {
        nextStart = Math.max(nextStart, System.nanoTime() - nanosPerItem) + nanosPerItem;
        return true;
      }
      try {
        Thread.sleep(Duration.ofNanos(Math.min(wait, renewEvery.toNanos())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  boolean renewalDue(Instant now) {
    return !now.isBefore(lastRenewal.plus(renewEvery));
  }

  void renewed(Instant now) {
    lastRenewal = now;
  }
}
