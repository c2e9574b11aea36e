package dev.stepflow.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock shifted by an offset a test moves forward (as the test kit's clock), so that
 * cron ticks, sleeps and timeouts come due without waiting; several servers may share one.
 */
public final class ShiftedClock extends Clock {
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  /** A clock that reads {@code lead} before the next whole minute of the system clock's. */
  public static ShiftedClock justBeforeAMinute(Duration lead) {
    ShiftedClock clock = new ShiftedClock();
    Instant now = Instant.now();
    Instant nextMinute =
        now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plus(Duration.ofMinutes(2));
    clock.offset.set(Duration.between(now, nextMinute.minus(lead)));
    return clock;
  }

  public void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("Time only moves forward; got " + amount);
    }
    offset.updateAndGet(o -> o.plus(amount));
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("This clock is in UTC");
  }
}
