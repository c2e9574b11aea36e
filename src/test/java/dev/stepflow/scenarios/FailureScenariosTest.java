package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.ERRORED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.ROLLING_BACK;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.testing.StepProbe.NO_RETRIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.TransitionRejected;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import dev.stepflow.workflow.NonRetryableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs that fail, and the rows out of rollingBack: a failure without rollback handlers errors the
 * instance at once; with handlers the instance rolls back first (handlers in reverse step-start
 * order, also the failed step's own), and refuses every client action meanwhile.
 */
class FailureScenariosTest {
  @RegisterExtension final EngineHarness engine = EngineHarness.create();
  private final StepProbe probe = new StepProbe();

  @Test
  void aStepThatFailsForGoodWithoutRollbackHandlersErrorsTheInstance() {
    WorkflowRef workflow =
        engine.define(
            "fails",
            (event, step) -> {
              step.run("a", probe.returns("a", "A"));
              step.run("b", probe.failsForGood("b", "card declined"));
              return step.run("c", probe.returns("c", "C"));
            });
    InstanceRef ref = engine.start(workflow, "declined");

    engine.awaitStatus(ref, ERRORED);
    Instance errored = engine.instance(ref);
    assertThat(errored.errorName()).isEqualTo("NonRetryableError");
    assertThat(errored.errorMessage()).isEqualTo("card declined");
    assertThat(errored.rollbackOutcome()).isNull();
    assertThat(probe.log()).containsExactly("a", "b");
    assertThat(engine.stepSummary(ref)).containsExactly("do a-1 complete", "do b-1 errored");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, ERRORED);
    assertThat(engine.triggers(ref)).containsExactly("RUN_STARTED", "RUN_FAILED");
  }

  /**
   * "a", "b" and the failing "c" all register handlers; the test may hold the handler of "c" (the
   * first to run) to keep the instance rolling back.
   */
  private WorkflowRef compensated(boolean holdTheLastHandler) {
    return engine.define(
        "compensated",
        (event, step) -> {
          step.run("a", NO_RETRIES, probe.returns("a", "A"), probe.rollback("a"), NO_RETRIES);
          step.run("b", NO_RETRIES, probe.returns("b", "B"), probe.rollback("b"), NO_RETRIES);
          return step.run(
              "c",
              NO_RETRIES,
              probe.failsForGood("c", "out of stock"),
              holdTheLastHandler ? probe.heldRollback("c") : probe.rollback("c"),
              NO_RETRIES);
        });
  }

  @Test
  void aFailureWithRollbackHandlersCompensatesEveryStartedStepInReverseOrderThenErrors() {
    InstanceRef ref = engine.start(compensated(false), "compensated");

    engine.awaitStatus(ref, ERRORED);
    Instance errored = engine.instance(ref);
    assertThat(errored.errorName()).isEqualTo("NonRetryableError");
    assertThat(errored.errorMessage()).isEqualTo("out of stock");
    assertThat(errored.rollbackOutcome()).isEqualTo(RollbackOutcome.COMPLETE);
    assertThat(probe.log())
        .containsExactly("a", "b", "c", "rollback c", "rollback b", "rollback a");
    assertThat(engine.stepSummary(ref))
        .containsExactly(
            "do a-1 complete",
            "do b-1 complete",
            "do c-1 errored",
            "rollback c-1 complete",
            "rollback b-1 complete",
            "rollback a-1 complete");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, ROLLING_BACK, ERRORED);
    assertThat(engine.triggers(ref))
        .containsExactly("RUN_STARTED", "RUN_FAILED_WITH_COMPENSATIONS", "FAILURE_COMPENSATED");
  }

  /**
   * A restart from a step after a completed rollback: the steps before it whose handler undid their
   * effect count as not done and run again; a step without a handler keeps its result.
   */
  @Test
  void restartFromAStepAfterACompletedRollbackRunsTheCompensatedStepsAgain() {
    WorkflowRef workflow =
        engine.define(
            "booking",
            (event, step) -> {
              step.run(
                  "hold",
                  NO_RETRIES,
                  probe.returns("hold", "H"),
                  probe.rollback("hold"),
                  NO_RETRIES);
              step.run("quote", probe.returns("quote", "Q"));
              step.run(
                  "charge",
                  NO_RETRIES,
                  probe.returns("charge", "C"),
                  probe.rollback("charge"),
                  NO_RETRIES);
              return step.run(
                  "ship",
                  NO_RETRIES,
                  context -> {
                    probe.called("ship");
                    if (probe.calls("ship") == 1) {
                      throw new NonRetryableException("no courier");
                    }
                    return "S";
                  });
            });
    InstanceRef ref = engine.start(workflow, "rebooked");
    engine.awaitStatus(ref, ERRORED);
    assertThat(engine.instance(ref).rollbackOutcome()).isEqualTo(RollbackOutcome.COMPLETE);

    engine.restartFrom(ref, StepKind.DO, "ship", 1);
    engine.awaitStatus(ref, COMPLETE);

    assertThat(probe.log())
        .containsExactly(
            "hold",
            "quote",
            "charge",
            "ship",
            "rollback charge",
            "rollback hold",
            "hold",
            "charge",
            "ship");
    assertThat(engine.stepSummary(ref))
        .containsExactlyInAnyOrder(
            "do quote-1 complete",
            "do hold-1 complete",
            "do charge-1 complete",
            "do ship-1 complete");
    assertThat(engine.instance(ref).rollbackOutcome()).as("a new run: no rollback").isNull();
  }

  @Test
  void aRollbackHandlerThatFailsHaltsTheChainAndTheRollbackFails() {
    WorkflowRef workflow =
        engine.define(
            "halting",
            (event, step) -> {
              step.run("a", NO_RETRIES, probe.returns("a", "A"), probe.rollback("a"), NO_RETRIES);
              step.run(
                  "b",
                  NO_RETRIES,
                  probe.returns("b", "B"),
                  context -> {
                    probe.called("rollback b");
                    throw new NonRetryableException("refund service down");
                  },
                  NO_RETRIES);
              return step.run("c", NO_RETRIES, probe.failsForGood("c", "out of stock"));
            });
    InstanceRef ref = engine.start(workflow, "halted");

    engine.awaitStatus(ref, ERRORED);
    Instance errored = engine.instance(ref);
    assertThat(errored.rollbackOutcome()).isEqualTo(RollbackOutcome.FAILED);
    assertThat(errored.rollbackErrorMessage()).isEqualTo("refund service down");
    assertThat(probe.log()).containsExactly("a", "b", "c", "rollback b");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, ROLLING_BACK, ERRORED);
  }

  @Test
  void everyClientActionIsRefusedWhileRollingBackAndLeavesNoHistory() {
    InstanceRef ref = engine.start(compensated(true), "rolling-back");
    probe.awaitCalls("rollback c", 1);
    assertThat(engine.status(ref)).isEqualTo(ROLLING_BACK);
    int rowsBefore = engine.history(ref).size();

    for (Action action : Action.values()) {
      assertThatThrownBy(() -> engine.apply(ref, action))
          .as(action.label())
          .isInstanceOf(TransitionRejected.class)
          .hasMessageContaining("it is rollingBack");
    }
    assertThat(engine.history(ref)).hasSize(rowsBefore);

    probe.release("rollback c");
    engine.awaitStatus(ref, ERRORED);
    assertThat(probe.log()).endsWith("rollback c", "rollback b", "rollback a");
  }
}
