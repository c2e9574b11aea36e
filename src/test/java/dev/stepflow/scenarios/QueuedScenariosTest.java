package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.PAUSED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rows out of queued. The engine has one run slot, which a "plug" instance holds with a step
 * attempt the test releases, so the instance under test stays queued for as long as the test needs.
 */
class QueuedScenariosTest {
  @RegisterExtension final EngineHarness engine = EngineHarness.withMaxRunning(1);
  private final StepProbe probe = new StepProbe();
  private WorkflowRef work;
  private InstanceRef plug;

  @BeforeEach
  void occupyTheOnlyRunSlot() {
    WorkflowRef plugs =
        engine.define(
            "plug", (event, step) -> step.run("hold", probe.heldUntilReleased("plug", 1)));
    work = engine.define("work", (event, step) -> step.run("a", probe.returns("a", "A")));
    plug = engine.start(plugs, "plug");
    probe.awaitCalls("plug", 1);
    assertThat(engine.status(plug)).isEqualTo(RUNNING);
  }

  private void freeTheRunSlot() {
    probe.release("plug");
    engine.awaitStatus(plug, COMPLETE);
  }

  @Test
  void pauseHoldsAQueuedInstanceEvenWhenARunSlotFreesUntilItIsResumed() {
    InstanceRef ref = engine.start(work, "held");
    engine.assertStays(ref, QUEUED);

    assertThat(engine.apply(ref, Action.PAUSE).status()).isEqualTo(PAUSED);
    freeTheRunSlot();
    engine.assertStays(ref, PAUSED);
    assertThat(probe.calls("a")).isZero();

    assertThat(engine.apply(ref, Action.RESUME).status()).isEqualTo(QUEUED);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("a")).isEqualTo(1);
    assertThat(engine.output(ref).asText()).isEqualTo("A");
    assertThat(engine.path(ref)).containsExactly(QUEUED, PAUSED, QUEUED, RUNNING, COMPLETE);
    assertThat(engine.triggers(ref))
        .containsExactly("pause", "resume", "RUN_STARTED", "RUN_SUCCEEDED");
  }

  @Test
  void terminateOnAQueuedInstanceEndsItBeforeAnyStepRuns() {
    InstanceRef ref = engine.start(work, "never-runs");

    assertThat(engine.apply(ref, Action.TERMINATE).status()).isEqualTo(TERMINATED);
    freeTheRunSlot();
    engine.assertStays(ref, TERMINATED);
    assertThat(probe.calls("a")).isZero();
    assertThat(engine.steps(ref)).isEmpty();
    assertThat(engine.triggers(ref)).containsExactly("terminate");
  }

  @Test
  void terminateWithRollbackOnAQueuedInstanceTerminatesAtOnceWithNothingToCompensate() {
    InstanceRef ref = engine.start(work, "nothing-to-undo");

    assertThat(engine.apply(ref, Action.TERMINATE_WITH_ROLLBACK).status()).isEqualTo(TERMINATED);
    freeTheRunSlot();
    engine.assertStays(ref, TERMINATED);
    assertThat(engine.path(ref)).containsExactly(QUEUED, TERMINATED);
    assertThat(engine.triggers(ref)).containsExactly("terminate+rollback");
    assertThat(engine.instance(ref).rollbackOutcome()).isNull();
    assertThat(probe.calls("a")).isZero();
  }

  @Test
  void restartOnAQueuedInstanceQueuesItAgainAndItRunsOnce() {
    InstanceRef ref = engine.start(work, "requeued");

    assertThat(engine.apply(ref, Action.RESTART).status()).isEqualTo(QUEUED);
    assertThat(engine.path(ref)).containsExactly(QUEUED, QUEUED);
    freeTheRunSlot();
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("a")).isEqualTo(1);
    assertThat(engine.triggers(ref)).containsExactly("restart", "RUN_STARTED", "RUN_SUCCEEDED");
  }
}
