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

  /**
   * Moves the clock forward to {@code lead} (under a minute) before a whole minute, the one after
   * the next: a test that starts there has that long before the minute comes.
   */
  public void advanceToJustBeforeAMinute(Duration lead) {
    Instant now = instant();
    Instant target =
        now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
            .plus(Duration.ofMinutes(2))
            .minus(lead);
    advance(Duration.between(now, target));
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
