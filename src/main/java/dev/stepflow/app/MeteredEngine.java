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
import java.util.concurrent.TimeUnit;

/**
 * The engine's counts as Micrometer meters: {@code stepflow_status_changes_total{action, outcome,
 * code}}, {@code stepflow_step_attempts_total{kind, outcome}}, {@code
 * stepflow_step_duration_seconds{kind, outcome}} (a histogram) and {@code
 * stepflow_rollbacks_total{outcome}}. Every label comes from an enum, so the series are bounded.
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

  /** The outcome label of an attempt (a metric label, not a wire name). */
  private enum AttemptOutcome {
    SUCCESS,
    FAILURE
  }

  private final MeterRegistry registry;

  MeteredEngine(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void statusChange(Action action, ChangeOutcome outcome, ErrorCode rejectedWith) {
    Counter.builder("stepflow.status.changes")
        .description("Client status changes (PATCH .../status, batch terminate) by outcome")
        .tag("action", action.label())
        .tag("outcome", lower(outcome))
        .tag("code", rejectedWith == null ? "" : Integer.toString(rejectedWith.code()))
        .register(registry)
        .increment();
  }

  @Override
  public void stepAttempt(StepKind kind, boolean succeeded, long nanos) {
    String outcome = lower(succeeded ? AttemptOutcome.SUCCESS : AttemptOutcome.FAILURE);
    String kindLabel = WireNames.stepKind(kind);
    Counter.builder("stepflow.step.attempts")
        .description("Step function and rollback handler attempts that ended")
        .tag("kind", kindLabel)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder("stepflow.step.duration")
        .description("How long step attempts took")
        .tag("kind", kindLabel)
        .tag("outcome", outcome)
        .serviceLevelObjectives(STEP_BUCKETS)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void rollback(RollbackOutcome outcome) {
    Counter.builder("stepflow.rollbacks")
        .description("Instance rollbacks that ended, by outcome")
        .tag("outcome", lower(outcome))
        .register(registry)
        .increment();
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
