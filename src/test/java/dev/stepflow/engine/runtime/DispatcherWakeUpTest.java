package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The dispatcher's wake-up: no signal is lost, and without one the dispatcher waits. */
class DispatcherWakeUpTest {
  private static final Duration LONG = Duration.ofSeconds(20);

  private final DispatcherWakeUp wakeUp = new DispatcherWakeUp();

  @Test
  void aSignalSentBeforeTheWaitEndsItAtOnce() {
    wakeUp.signal();

    assertThat(timed(() -> wakeUp.await(LONG))).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void withoutANewSignalTheNextWaitLastsItsTimeout() {
    wakeUp.signal();
    wakeUp.await(LONG);
    // a permit left on the thread (a late signal's unpark) must not end the wait early
    LockSupport.unpark(Thread.currentThread());

    assertThat(timed(() -> wakeUp.await(Duration.ofMillis(300))))
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aSignalFromAnotherThreadEndsAWaitInProgress() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    Thread signaller =
        Thread.ofPlatform()
            .start(
                () -> {
                  awaitQuietly(waiting);
                  sleepQuietly(Duration.ofMillis(200));
                  wakeUp.signal();
                });
    waiting.countDown();

    assertThat(timed(() -> wakeUp.await(LONG))).isLessThan(Duration.ofSeconds(10));
    signaller.join();
  }

  /**
   * Many threads post work and signal while the dispatcher takes what was posted after each wait:
   * every post is taken without a wait running to its (long) timeout.
   */
  @Test
  void noSignalIsLostAmongManyCallers() throws Exception {
    AtomicLong posted = new AtomicLong();
    int perThread = 20_000;
    int threads = 4;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform()
          .start(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  posted.incrementAndGet();
                  wakeUp.signal();
                }
                done.countDown();
              });
    }
    long taken = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      taken = posted.get(); // the dispatcher's pass: it sees everything posted before its signal
      if (taken == (long) threads * perThread) {
        break;
      }
      long before = taken;
      Duration waited = timed(() -> wakeUp.await(LONG));
      // a long wait with work posted after this pass's look means a signal was lost
      assertThat(waited.compareTo(Duration.ofSeconds(10)) < 0 || posted.get() == before)
          .as("waited %s while work was posted", waited)
          .isTrue();
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(taken).isEqualTo((long) threads * perThread);
  }

  private static Duration timed(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
