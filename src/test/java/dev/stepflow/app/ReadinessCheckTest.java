package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.web.Readiness;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The readiness check's verdict on a store that answers, fails or hangs and on a dispatcher that
 * runs or not; its bound on a hung store; its cache; and that a hung store holds one query.
 */
class ReadinessCheckTest {
  private static final Duration BOUND = Duration.ofMillis(200);
  private static final Duration CACHE = Duration.ofMillis(250);

  private final AtomicLong nanos = new AtomicLong();
  private final AtomicInteger pings = new AtomicInteger();
  private final AtomicBoolean dispatching = new AtomicBoolean(true);
  private final CountDownLatch hung = new CountDownLatch(1);

  @AfterEach
  void releaseHungPings() {
    hung.countDown();
  }

  private ReadinessCheck check(Runnable ping) {
    Runnable counted =
        () -> {
          pings.incrementAndGet();
          ping.run();
        };
    return new ReadinessCheck(counted, dispatching::get, BOUND, CACHE, nanos::get);
  }

  private void hang() {
    try {
      hung.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aStoreThatAnswersAndARunningDispatcherAreReady() {
    Readiness.Report report = check(() -> {}).check();
    assertThat(report.ready()).isTrue();
    assertThat(report.parts())
        .containsExactly(Readiness.Part.ok("store"), Readiness.Part.ok("dispatcher"));
  }

  @Test
  void aStoreThatFailsIsNotReadyAndSaysWhy() {
    Readiness.Report report =
        check(
                () -> {
                  throw new StoreUnavailable(
                      "read", new java.sql.SQLException("Connection refused"));
                })
            .check();
    assertThat(report.ready()).isFalse();
    assertThat(report.problems())
        .startsWith("Not ready: store: a trivial query failed (")
        .contains("Connection refused")
        .doesNotContain("dispatcher");
  }

  @Test
  void aHungStoreIsNotReadyOnceTheBoundIsOver() {
    long start = System.nanoTime();
    Readiness.Report report = check(this::hang).check();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(report.problems())
        .isEqualTo("Not ready: store: it did not answer a trivial query within 200 ms.");
    assertThat(took).isGreaterThanOrEqualTo(BOUND).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aStoppedDispatcherIsNotReady() {
    dispatching.set(false);
    Readiness.Report report = check(() -> {}).check();
    assertThat(report.problems())
        .isEqualTo("Not ready: dispatcher: the engine's dispatcher thread is not running.");
  }

  @Test
  void aResultIsReusedForTheCacheTimeThenCheckedAgain() {
    ReadinessCheck check = check(() -> {});
    check.check();
    nanos.addAndGet(CACHE.toNanos() - 1);
    check.check();
    assertThat(pings).hasValue(1);
    nanos.addAndGet(1);
    check.check();
    assertThat(pings).hasValue(2);
  }

  @Test
  void aHungQueryIsWaitedForAgainRatherThanJoinedByAnother() {
    ReadinessCheck check = check(this::hang);
    check.check();
    nanos.addAndGet(CACHE.toNanos());
    assertThat(check.check().ready()).isFalse();
    assertThat(pings).as("one query in flight, however many checks").hasValue(1);
    hung.countDown();
    nanos.addAndGet(CACHE.toNanos());
    assertThat(check.check().ready()).as("the store answers again").isTrue();
  }
}
