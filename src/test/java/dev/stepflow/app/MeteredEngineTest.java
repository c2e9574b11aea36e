package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.domain.StepKind;
import dev.stepflow.engine.runtime.EngineMetrics.ChangeOutcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The engine's counts under their Prometheus names, with bounded labels only. */
class MeteredEngineTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MeteredEngine metrics = new MeteredEngine(registry);

  @Test
  void eachOutcomeOfAStatusChangeIsItsOwnSeries() {
    metrics.statusChange(Action.PAUSE, ChangeOutcome.APPLIED, null);
    metrics.statusChange(Action.PAUSE, ChangeOutcome.NOOP, null);
    metrics.statusChange(Action.PAUSE, ChangeOutcome.NOOP, null);
    metrics.statusChange(
        Action.TERMINATE_WITH_ROLLBACK, ChangeOutcome.REJECTED, ErrorCode.CANNOT_TERMINATE);

    Scrape scrape = Scrape.parse(registry.scrape());

    String name = "stepflow_status_changes_total";
    assertThat(scrape.value(name, "action", "pause", "outcome", "applied", "code", ""))
        .isEqualTo(1);
    assertThat(scrape.value(name, "action", "pause", "outcome", "noop")).isEqualTo(2);
    assertThat(
            scrape.value(
                name,
                "action",
                "terminate+rollback",
                "outcome",
                "rejected",
                "code",
                Integer.toString(ErrorCode.CANNOT_TERMINATE.code())))
        .isEqualTo(1);
  }

  @Test
  void attemptsAreCountedAndTimedByKindAndOutcome() {
    metrics.stepAttempt(StepKind.DO, false, 3_000_000);
    metrics.stepAttempt(StepKind.DO, true, 2_000_000);
    metrics.stepAttempt(StepKind.ROLLBACK, true, 1_000);
    metrics.rollback(RollbackOutcome.COMPLETE);

    Scrape scrape = Scrape.parse(registry.scrape());

    String attempts = "stepflow_step_attempts_total";
    assertThat(scrape.value(attempts, "kind", "do", "outcome", "failure")).isEqualTo(1);
    assertThat(scrape.value(attempts, "kind", "do", "outcome", "success")).isEqualTo(1);
    assertThat(scrape.value(attempts, "kind", "rollback", "outcome", "success")).isEqualTo(1);
    assertThat(
            scrape.value(
                "stepflow_step_duration_seconds_bucket",
                "kind",
                "do",
                "outcome",
                "failure",
                "le",
                "0.005"))
        .isEqualTo(1);
    assertThat(
            scrape.value("stepflow_step_duration_seconds_sum", "kind", "do", "outcome", "success"))
        .isEqualTo(0.002);
    assertThat(scrape.value("stepflow_rollbacks_total", "outcome", "complete")).isEqualTo(1);
  }

  @Test
  void retriesTimerLagAndTakeoversHaveTheirOwnMeters() {
    metrics.stepRetry(StepKind.DO);
    metrics.stepRetry(StepKind.DO);
    metrics.stepRetry(StepKind.ROLLBACK);
    metrics.timerFired(30_000_000);
    metrics.timerFired(3_000_000_000L);
    metrics.leasesTakenOver(3);
    metrics.leasesTakenOver(0);

    Scrape scrape = Scrape.parse(registry.scrape());

    assertThat(scrape.value("stepflow_step_retries_total", "kind", "do")).isEqualTo(2);
    assertThat(scrape.value("stepflow_step_retries_total", "kind", "rollback")).isEqualTo(1);
    assertThat(scrape.value("stepflow_timer_lag_seconds_count")).isEqualTo(2);
    assertThat(scrape.value("stepflow_timer_lag_seconds_bucket", "le", "0.05")).isEqualTo(1);
    assertThat(scrape.value("stepflow_timer_lag_seconds_bucket", "le", "5.0")).isEqualTo(2);
    assertThat(scrape.value("stepflow_lease_takeovers_total")).isEqualTo(3);
  }

  @Test
  void commitsAreTimedAndTheirWritesCounted() {
    StoreMeters commits = new StoreMeters(registry);
    commits.committed(1, 200_000);
    commits.committed(40, 4_000_000);

    Scrape scrape = Scrape.parse(registry.scrape());

    assertThat(scrape.value("stepflow_store_commit_seconds_count")).isEqualTo(2);
    assertThat(scrape.value("stepflow_store_commit_seconds_bucket", "le", "5.0E-4")).isEqualTo(1);
    assertThat(scrape.value("stepflow_store_commit_writes_sum")).isEqualTo(41);
    assertThat(scrape.value("stepflow_store_commit_writes_bucket", "le", "64.0")).isEqualTo(2);
    assertThat(scrape.value("stepflow_store_commit_writes_bucket", "le", "32.0")).isEqualTo(1);
  }
}
