package dev.stepflow.testkit;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Asks again every few milliseconds until an answer is good or the time is up. */
final class Polling {
  private static final Duration INTERVAL = Duration.ofMillis(10);

  private Polling() {}

  /** The first answer {@code done} accepts, or the last one when {@code timeout} ran out. */
  static <T> T until(Supplier<T> answer, Predicate<T> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = answer.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      pause();
      last = answer.get();
    }
    return last;
  }

  static void pause() {
    try {
      Thread.sleep(INTERVAL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting", e);
    }
  }
}
