package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.ERRORED;
import static dev.stepflow.domain.Status.PAUSED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.WAITING_FOR_PAUSE;
import static dev.stepflow.testing.StepProbe.NO_RETRIES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.StepConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rows of on_failure: pause. A step out of retries moves a running instance (or one waiting for
 * a pause) into paused with its error, without compensation; resume gives the step a fresh budget
 * while the steps before it replay; a non-retryable error fails the instance as before.
 */
class PauseOnFailureScenariosTest {
  private static final StepConfig ONE_RETRY =
      StepConfig.DEFAULT.withRetries(1, Duration.ZERO, Backoff.CONSTANT);

  @RegisterExtension final EngineHarness engine = EngineHarness.create();
  private final StepProbe probe = new StepProbe();

  /**
   * "a" succeeds; "flaky" fails its first {@code failures} attempts, with one retry each budget.
   */
  private WorkflowRef flaky(int failures) {
    return engine.define(
        "flaky",
        (event, step) -> {
          step.run("a", NO_RETRIES, probe.returns("a", "A"), probe.rollback("a"), NO_RETRIES);
          return step.run(
              "flaky",
              ONE_RETRY,
              context -> {
                probe.called("flaky #" + context.attempt());
                if (context.attempt() <= failures) {
                  throw new IllegalStateException("still down at attempt " + context.attempt());
                }
                return "up";
              },
              probe.rollback("flaky"),
              NO_RETRIES);
        });
  }

  @Test
  void aStepOutOfRetriesPausesARunningInstanceWithItsErrorAndNoCompensation() {
    InstanceRef ref = engine.start(flaky(3), "paused", null, FailurePolicy.PAUSE);

    engine.awaitStatus(ref, PAUSED);

    Instance paused = engine.instance(ref);
    assertThat(paused.errorName()).isEqualTo("IllegalStateException");
    assertThat(paused.errorMessage()).isEqualTo("still down at attempt 2");
    assertThat(paused.rollbackOutcome()).isNull();
    assertThat(probe.log()).containsExactly("a", "flaky #1", "flaky #2");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, PAUSED);
    assertThat(engine.triggers(ref)).containsExactly("RUN_STARTED", "STEP_EXHAUSTED");
  }

  @Test
  void resumeGivesTheStepAFreshBudgetAndTheStepsBeforeItReplay() {
    InstanceRef ref = engine.start(flaky(3), "resumed", null, FailurePolicy.PAUSE);
    engine.awaitStatus(ref, PAUSED);

    engine.apply(ref, Action.RESUME);
    engine.awaitStatus(ref, COMPLETE);

    Instance complete = engine.instance(ref);
    assertThat(complete.errorName()).isNull();
    assertThat(complete.errorMessage()).isNull();
    assertThat(probe.log()).containsExactly("a", "flaky #1", "flaky #2", "flaky #3", "flaky #4");
    assertThat(engine.triggers(ref))
        .containsExactly("RUN_STARTED", "STEP_EXHAUSTED", "resume", "RUN_STARTED", "RUN_SUCCEEDED");
  }

  @Test
  void aStepThatRunsOutOfRetriesWhileAPauseIsAskedPausesTheInstanceWithItsError() {
    WorkflowRef workflow =
        engine.define(
            "held",
            (event, step) ->
                step.run(
                    "held",
                    NO_RETRIES,
                    context -> {
                      probe.holdHere("held");
                      throw new IllegalStateException("broke while a pause was asked");
                    }));
    InstanceRef ref = engine.start(workflow, "held", null, FailurePolicy.PAUSE);
    probe.awaitCalls("held", 1);

    assertThat(engine.apply(ref, Action.PAUSE).status()).isEqualTo(WAITING_FOR_PAUSE);
    probe.release("held");
    engine.awaitStatus(ref, PAUSED);

    assertThat(engine.instance(ref).errorMessage()).isEqualTo("broke while a pause was asked");
    assertThat(engine.triggers(ref)).containsExactly("RUN_STARTED", "pause", "STEP_EXHAUSTED");
  }

  @Test
  void aNonRetryableErrorFailsTheInstanceEvenUnderPause() {
    WorkflowRef workflow =
        engine.define(
            "declined",
            (event, step) -> step.run("charge", probe.failsForGood("charge", "card declined")));
    InstanceRef ref = engine.start(workflow, "declined", null, FailurePolicy.PAUSE);

    engine.awaitStatus(ref, ERRORED);

    assertThat(engine.triggers(ref)).containsExactly("RUN_STARTED", "RUN_FAILED");
  }

  @Test
  void withoutOnFailureTheVersionsDefaultErrorsTheInstanceAfterCompensating() {
    InstanceRef ref = engine.start(flaky(3), "errored");

    engine.awaitStatus(ref, ERRORED);

    assertThat(probe.log())
        .containsExactly("a", "flaky #1", "flaky #2", "rollback flaky", "rollback a");
  }
}
