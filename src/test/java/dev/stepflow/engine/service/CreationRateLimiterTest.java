package dev.stepflow.engine.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.RateLimited;
import dev.stepflow.domain.WorkflowRef;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CreationRateLimiterTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final WorkflowRef a1 = new WorkflowRef("a", "one");
  private final WorkflowRef a2 = new WorkflowRef("a", "two");
  private final WorkflowRef b1 = new WorkflowRef("b", "one");

  private CreationRateLimiter limiter(int perAccount, int perWorkflow) {
    return new CreationRateLimiter(perAccount, perWorkflow, now::get);
  }

  @Test
  void aBurstOfOneSecondPassesThenTheRateHolds() {
    CreationRateLimiter limiter = limiter(0, 10);
    limiter.acquire(a1, 10);
    assertThatThrownBy(() -> limiter.acquire(a1, 1))
        .isInstanceOfSatisfying(
            RateLimited.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
    now.addAndGet(100 * MS);
    limiter.acquire(a1, 1);
    assertThatThrownBy(() -> limiter.acquire(a1, 1)).isInstanceOf(RateLimited.class);
  }

  @Test
  void theAccountLimitSpansItsWorkflowsAndNoOtherAccount() {
    CreationRateLimiter limiter = limiter(15, 10);
    limiter.acquire(a1, 10);
    limiter.acquire(a2, 5);
    assertThatThrownBy(() -> limiter.acquire(a2, 1))
        .isInstanceOf(RateLimited.class)
        .hasMessageContaining("account 'a'");
    limiter.acquire(b1, 10);
  }

  @Test
  void aRefusedBatchTakesNothingFromEitherBucket() {
    CreationRateLimiter limiter = limiter(20, 10);
    limiter.acquire(a1, 8);
    assertThatThrownBy(() -> limiter.acquire(a1, 5))
        .isInstanceOf(RateLimited.class)
        .hasMessageContaining("workflow 'one'");
    // the refusal took nothing from the account: 12 of its 20 are still there
    limiter.acquire(a2, 10);
    limiter.acquire(a1, 2);
  }

  @Test
  void retryAfterSaysWhenTheBatchFits() {
    CreationRateLimiter limiter = limiter(0, 4);
    limiter.acquire(a1, 4);
    assertThatThrownBy(() -> limiter.acquire(a1, 4))
        .isInstanceOfSatisfying(
            RateLimited.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
    now.addAndGet(999 * MS);
    assertThatThrownBy(() -> limiter.acquire(a1, 4)).isInstanceOf(RateLimited.class);
    now.addAndGet(MS);
    limiter.acquire(a1, 4);
  }

  @Test
  void aBatchLargerThanTheRateCanNeverPassAndSaysSo() {
    CreationRateLimiter limiter = limiter(0, 5);
    assertThatThrownBy(() -> limiter.acquire(a1, 6))
        .isInstanceOf(RateLimited.class)
        .hasMessageContaining("smaller batches");
  }

  @Test
  void zeroMeansUnlimited() {
    CreationRateLimiter limiter = limiter(0, 0);
    for (int i = 0; i < 1000; i++) {
      limiter.acquire(a1, 100);
    }
  }

  @Test
  void theBucketRefillsOnlyUpToOneSecondOfRate() {
    CreationRateLimiter limiter = limiter(0, 10);
    limiter.acquire(a1, 1);
    now.addAndGet(60_000 * MS);
    limiter.acquire(a1, 10);
    assertThatThrownBy(() -> limiter.acquire(a1, 1)).isInstanceOf(RateLimited.class);
  }
}
