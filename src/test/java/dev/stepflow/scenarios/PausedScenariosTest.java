package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.PAUSED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.ROLLING_BACK;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.TERMINATED;
import static dev.stepflow.domain.Status.WAITING;
import static dev.stepflow.testing.StepProbe.NO_RETRIES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.engine.service.StatusOutcome;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rows out of paused. The instance ran step "a" (which registers a rollback handler), then
 * slept an hour and was paused during the sleep.
 */
class PausedScenariosTest {
  private static final Duration ONE_HOUR = Duration.ofHours(1);

  @RegisterExtension final EngineHarness engine = EngineHarness.create();
  private final StepProbe probe = new StepProbe();
  private InstanceRef ref;

  @BeforeEach
  void pauseAnInstanceDuringItsSleep() {
    var workflow =
        engine.define(
            "napper",
            (event, step) -> {
              step.run("a", NO_RETRIES, probe.returns("a", "A"), probe.rollback("a"), NO_RETRIES);
              step.sleep("nap", ONE_HOUR);
              return step.run("after", probe.returns("after", "done"));
            });
    ref = engine.start(workflow, "paused");
    engine.awaitStatus(ref, WAITING);
    assertThat(engine.apply(ref, Action.PAUSE).status()).isEqualTo(PAUSED);
  }

  @Test
  void pauseOnAPausedInstanceIsANoOpThatChangesNothing() {
    Instant pausedOn = engine.instance(ref).statusChangedOn();
    engine.advance(Duration.ofMinutes(5));

    StatusOutcome again = engine.apply(ref, Action.PAUSE);
    assertThat(again.status()).isEqualTo(PAUSED);
    assertThat(again.at()).as("the time it entered paused, not now").isEqualTo(pausedOn);
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, WAITING, PAUSED);
  }

  @Test
  void terminateOnAPausedInstanceEndsItWithoutRunningHandlers() {
    assertThat(engine.apply(ref, Action.TERMINATE).status()).isEqualTo(TERMINATED);
    engine.advance(ONE_HOUR);
    engine.assertStays(ref, TERMINATED);
    assertThat(probe.log()).containsExactly("a");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, WAITING, PAUSED, TERMINATED);
  }

  @Test
  void terminateWithRollbackOnAPausedInstanceCompensatesTheStepsThatRanThenTerminates() {
    assertThat(engine.apply(ref, Action.TERMINATE_WITH_ROLLBACK).status()).isEqualTo(ROLLING_BACK);
    engine.awaitStatus(ref, TERMINATED);
    Instance terminated = engine.instance(ref);
    assertThat(terminated.rollbackOutcome()).isEqualTo(RollbackOutcome.COMPLETE);
    assertThat(probe.log()).containsExactly("a", "rollback a");
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, WAITING, PAUSED, ROLLING_BACK, TERMINATED);
    assertThat(engine.triggers(ref).getLast()).isEqualTo("TERMINATION_COMPENSATED");
  }

  @Test
  void restartOnAPausedInstanceRunsItFromTheTop() {
    assertThat(engine.apply(ref, Action.RESTART).status()).isEqualTo(QUEUED);
    engine.awaitStatus(ref, WAITING);
    assertThat(probe.calls("a")).isEqualTo(2);
    assertThat(engine.stepSummary(ref)).containsExactly("do a-1 complete", "sleep nap-1 waiting");
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, WAITING, PAUSED, QUEUED, RUNNING, WAITING);

    engine.advance(ONE_HOUR);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("after")).isEqualTo(1);
  }

  @Test
  void resumeOnAPausedInstanceQueuesItAndRecordedStepsReplayWithoutRunning() {
    assertThat(engine.apply(ref, Action.RESUME).status()).isEqualTo(QUEUED);
    engine.awaitStatus(ref, WAITING);
    engine.advance(ONE_HOUR);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.log()).containsExactly("a", "after");
  }
}
