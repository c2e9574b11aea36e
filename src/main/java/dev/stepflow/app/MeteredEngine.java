package dev.stepflow.app;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.WireNames;
import dev.stepflow.engine.runtime.EngineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The engine's counts as Micrometer meters: {@code stepflow_status_changes_total{action, outcome,
 * code}}, {@code stepflow_step_attempts_total{kind, outcome}}, {@code
 * stepflow_step_duration_seconds{kind, outcome}} (a histogram), {@code
 * stepflow_step_retries_total{kind}}, {@code stepflow_rollbacks_total{outcome}}, {@code
 * stepflow_timer_lag_seconds} (a histogram) and {@code stepflow_lease_takeovers_total}. Every label
 * comes from an enum, so the series are bounded; each meter is registered once, on first use, and
 * kept, so a count costs a map lookup rather than a registry lookup.
 */
final class MeteredEngine implements EngineMetrics {
  /** Step durations from a millisecond to a few minutes. */
  private static final Duration[] STEP_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(25),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(30),
    Duration.ofMinutes(2),
    Duration.ofMinutes(10)
  };

  /** Timer lateness from 10 ms (on time) to minutes (a node that cannot keep up). */
  private static final Duration[] LAG_BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5)
  };

  /** The outcome label of an attempt (a metric label, not a wire name). */
  private enum AttemptOutcome {
    SUCCESS,
    FAILURE
  }

  private record ChangeKey(Action action, ChangeOutcome outcome, ErrorCode code) {}

  private record AttemptKey(StepKind kind, AttemptOutcome outcome) {}

  private record AttemptMeters(Counter count, Timer duration) {}

  private final MeterRegistry registry;
  private final Map<ChangeKey, Counter> changes = new ConcurrentHashMap<>();
  private final Map<AttemptKey, AttemptMeters> attempts = new ConcurrentHashMap<>();
  private final Map<StepKind, Counter> retries = new ConcurrentHashMap<>();
  private final Map<RollbackOutcome, Counter> rollbacks = new ConcurrentHashMap<>();
  private final Timer timerLag;
  private final Counter takeovers;

  MeteredEngine(MeterRegistry registry) {
    this.registry = registry;
    this.timerLag =
        Timer.builder("stepflow.timer.lag")
            .description(
                "How late waiting instances whose timer came due (sleep, retry delay, event"
                    + " timeout) were claimed")
            .serviceLevelObjectives(LAG_BUCKETS)
            .register(registry);
    this.takeovers =
        Counter.builder("stepflow.lease.takeovers")
            .description("Runs and pauses in progress taken over from a node that is gone")
            .register(registry);
  }

  @Override
  public void statusChange(Action action, ChangeOutcome outcome, ErrorCode rejectedWith) {
    changes
        .computeIfAbsent(new ChangeKey(action, outcome, rejectedWith), this::changeCounter)
        .increment();
  }

  private Counter changeCounter(ChangeKey key) {
    return Counter.builder("stepflow.status.changes")
        .description("Client status changes (PATCH .../status, batch terminate) by outcome")
        .tag("action", key.action().label())
        .tag("outcome", lower(key.outcome()))
        .tag("code", key.code() == null ? "" : Integer.toString(key.code().code()))
        .register(registry);
  }

  @Override
  public void stepAttempt(StepKind kind, boolean succeeded, long nanos) {
    AttemptOutcome outcome = succeeded ? AttemptOutcome.SUCCESS : AttemptOutcome.FAILURE;
    AttemptMeters meters =
        attempts.computeIfAbsent(new AttemptKey(kind, outcome), this::attemptMeters);
    meters.count().increment();
    meters.duration().record(nanos, TimeUnit.NANOSECONDS);
  }

  private AttemptMeters attemptMeters(AttemptKey key) {
    String kind = WireNames.stepKind(key.kind());
    String outcome = lower(key.outcome());
    return new AttemptMeters(
        Counter.builder("stepflow.step.attempts")
            .description("Step function and rollback handler attempts that ended")
            .tag("kind", kind)
            .tag("outcome", outcome)
            .register(registry),
        Timer.builder("stepflow.step.duration")
            .description("How long step attempts took")
            .tag("kind", kind)
            .tag("outcome", outcome)
            .serviceLevelObjectives(STEP_BUCKETS)
            .register(registry));
  }

  @Override
  public void stepRetry(StepKind kind) {
    retries
        .computeIfAbsent(
            kind,
            k ->
                Counter.builder("stepflow.step.retries")
                    .description("Failed attempts that another attempt follows")
                    .tag("kind", WireNames.stepKind(k))
                    .register(registry))
        .increment();
  }

  @Override
  public void rollback(RollbackOutcome outcome) {
    rollbacks
        .computeIfAbsent(
            outcome,
            o ->
                Counter.builder("stepflow.rollbacks")
                    .description("Instance rollbacks that ended, by outcome")
                    .tag("outcome", lower(o))
                    .register(registry))
        .increment();
  }

  @Override
  public void timerFired(long lateNanos) {
    timerLag.record(lateNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void leasesTakenOver(int count) {
    takeovers.increment(count);
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
