package dev.stepflow.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock plus an offset that only grows. Time keeps flowing (leases, heartbeats and step
 * timeouts behave as in production), and {@link #advance} jumps it forward.
 */
final class MovableClock extends Clock {
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  void advance(Duration amount) {
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
    throw new UnsupportedOperationException("The test kit's clock is in UTC");
  }
}
