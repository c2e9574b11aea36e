package dev.stepflow.testing;

import static org.awaitility.Awaitility.await;

import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.NonRetryableException;
import dev.stepflow.workflow.Rollback;
import dev.stepflow.workflow.StepConfig;
import dev.stepflow.workflow.StepFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a scenario's workflow code did, seen from outside the engine: which step functions and
 * rollback handlers ran, in what order and how often, and which were interrupted. It also holds
 * step attempts in flight until the test releases them, which is how a test keeps an instance
 * running (or waitingForPause) for as long as it needs. One probe per test; thread-safe, since
 * attempts run on their own virtual threads.
 */
public final class StepProbe {
  /**
   * For steps and rollback handlers that must not retry. Rollback retries wait in real time (a
   * rolling-back instance holds its thread), so scenarios give handlers this config.
   */
  public static final StepConfig NO_RETRIES =
      StepConfig.DEFAULT.withRetries(0, Duration.ZERO, Backoff.CONSTANT);

  /** A held attempt gives up after this long, so that a broken test fails instead of hanging. */
  private static final Duration HOLD_LIMIT = Duration.ofSeconds(30);

  private final Map<String, Integer> calls = new ConcurrentHashMap<>();
  private final List<String> log = new ArrayList<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

  /** A step function that records a call of {@code label} and returns {@code value}. */
  public StepFunction returns(String label, Object value) {
    return context -> {
      called(label);
      return value;
    };
  }

  /** A step function that records a call of {@code label} and fails for good (no retries). */
  public StepFunction failsForGood(String label, String message) {
    return context -> {
      called(label);
      throw new NonRetryableException(message);
    };
  }

  /**
   * A step function that records a call of {@code label}, then blocks until {@link
   * #release(String)} (at once if released already) and returns {@code value}. An interrupted
   * attempt (terminate, restart, engine closed) is recorded as a call of "interrupted {label}".
   */
  public StepFunction heldUntilReleased(String label, Object value) {
    return context -> {
      called(label);
      awaitRelease(label);
      return value;
    };
  }

  /** Blocks the calling workflow code (not a step) until {@code label} is released. */
  public void holdHere(String label) throws InterruptedException {
    called(label);
    awaitRelease(label);
  }

  /** A rollback handler that records a call of "rollback {label}". */
  public Rollback rollback(String label) {
    return context -> called("rollback " + label);
  }

  /** A rollback handler that records a call of "rollback {label}", then holds like a step. */
  public Rollback heldRollback(String label) {
    return context -> {
      called("rollback " + label);
      awaitRelease("rollback " + label);
    };
  }

  /** Lets every attempt held on {@code label} go on, now and later. */
  public void release(String label) {
    latch(label).countDown();
  }

  /** How often {@code label} was called. */
  public int calls(String label) {
    return calls.getOrDefault(label, 0);
  }

  /** Every call and interruption so far, in order. */
  public List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** Waits (boundedly) until {@code label} was called {@code times} times. */
  public void awaitCalls(String label, int times) {
    await()
        .atMost(EngineHarness.AWAIT_LIMIT)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> calls(label) >= times);
  }

  /** Records one call of {@code label}; for workflow code that records what it saw. */
  public void called(String label) {
    synchronized (log) {
      log.add(label);
      calls.merge(label, 1, Integer::sum);
    }
  }

  private void awaitRelease(String label) throws InterruptedException {
    try {
      if (!latch(label).await(HOLD_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(label + " was never released by the test");
      }
    } catch (InterruptedException e) {
      called("interrupted " + label);
      throw e;
    }
  }

  private CountDownLatch latch(String label) {
    return holds.computeIfAbsent(label, k -> new CountDownLatch(1));
  }
}
