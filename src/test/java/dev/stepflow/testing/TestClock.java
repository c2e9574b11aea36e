package dev.stepflow.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so that timers (sleeps, retry delays, event-wait
 * timeouts, leases) fire when the test says, without real waiting. Safe to read and move from any
 * thread: the engine's dispatcher, runs and heartbeat read it while the test advances it.
 */
public final class TestClock extends Clock {
  /**
   * Where every test clock starts unless told otherwise; a round instant reads well in failures.
   */
  public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;

  public TestClock() {
    this(DEFAULT_START);
  }

  public TestClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** Moves the clock on by {@code amount} (which must not be negative); returns the new time. */
  public Instant advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("A test clock only moves forward; got " + amount);
    }
    return now.updateAndGet(t -> t.plus(amount));
  }

  /** Sets the clock to {@code instant}, forward or back. */
  public void set(Instant instant) {
    now.set(instant);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** A test clock is always UTC (the engine only reads instants); another zone is refused. */
  @Override
  public Clock withZone(ZoneId zone) {
    if (!ZoneOffset.UTC.equals(zone)) {
      throw new UnsupportedOperationException("A TestClock is always UTC; asked for " + zone);
    }
    return this;
  }
}
