package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.PAUSED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.WAITING;
import static dev.stepflow.domain.Status.WAITING_FOR_PAUSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import dev.stepflow.testing.StepView;
import dev.stepflow.workflow.StepFailedException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durable execution by replay (DESIGN.md section 4): the workflow code runs again from the top
 * after every suspension, restart of the process or restart from a step, and every step whose
 * checkpoint committed returns (or throws) its recorded result without its function running. Step
 * "mint" returns a fresh random id each time it really runs, so an output that keeps the first id
 * proves the step replayed from its record.
 */
class ReplayScenariosTest {
  @RegisterExtension final EngineHarness engine = EngineHarness.create();
  private final StepProbe probe = new StepProbe();

  private JsonNode mint(dev.stepflow.workflow.Step step) {
    return step.run(
        "mint",
        context -> {
          probe.called("mint");
          return UUID.randomUUID().toString();
        });
  }

  /** "mint", "b", then "slow", held in flight by the test. */
  private WorkflowRef mintThenHeld() {
    return engine.define(
        "held",
        (event, step) -> {
          JsonNode id = mint(step);
          JsonNode b = step.run("b", probe.returns("b", "B"));
          JsonNode slow = step.run("slow", probe.heldUntilReleased("slow", "S"));
          return Map.of("mint", id, "b", b, "slow", slow);
        });
  }

  @Test
  void afterACrashMidRunCheckpointedStepsReplayAndTheRunFinishesWithTheirRecordedResults() {
    InstanceRef ref = engine.start(mintThenHeld(), "crashed");
    probe.awaitCalls("slow", 1);
    String minted = engine.step(ref, "do", "mint-1").outputJson();

    engine.restartProcess();
    probe.awaitCalls("slow", 2);
    probe.release("slow");
    engine.awaitStatus(ref, COMPLETE);

    assertThat(probe.calls("mint")).as("mint ran once, before the crash").isEqualTo(1);
    assertThat(probe.calls("b")).isEqualTo(1);
    assertThat(probe.calls("interrupted slow"))
        .as("the attempt in flight at the crash was lost and ran again (at least once)")
        .isEqualTo(1);
    JsonNode output = engine.output(ref);
    assertThat(output.get("mint").toString()).isEqualTo(minted);
    assertThat(output.get("b").asText()).isEqualTo("B");
    assertThat(output.get("slow").asText()).isEqualTo("S");
    assertThat(engine.path(ref))
        .as("the new process took the run over; the status never left running")
        .containsExactly(QUEUED, RUNNING, COMPLETE);
  }

  @Test
  void aSuspendedRunReplaysFromTheStoreInANewProcessAndFinishes() {
    WorkflowRef workflow =
        engine.define(
            "sleeps",
            (event, step) -> {
              JsonNode id = mint(step);
              step.sleep("nap", Duration.ofHours(1));
              return Map.of("mint", id, "after", step.run("after", probe.returns("after", 1)));
            });
    InstanceRef ref = engine.start(workflow, "suspended");
    engine.awaitStatus(ref, WAITING);
    String minted = engine.step(ref, "do", "mint-1").outputJson();

    engine.restartProcess();
    engine.advance(Duration.ofHours(1));
    engine.awaitStatus(ref, COMPLETE);

    assertThat(probe.log()).containsExactly("mint", "after");
    assertThat(engine.output(ref).get("mint").toString()).isEqualTo(minted);
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, WAITING, RUNNING, COMPLETE);
  }

  @Test
  void aCrashWhileWaitingForPauseSettlesIntoPausedInTheNewProcess() {
    InstanceRef ref = engine.start(mintThenHeld(), "pausing-crash");
    probe.awaitCalls("slow", 1);
    engine.apply(ref, Action.PAUSE);

    engine.restartProcess();
    engine.awaitStatus(ref, PAUSED);
    assertThat(probe.calls("slow")).as("no new attempt starts once a pause is asked").isEqualTo(1);

    engine.apply(ref, Action.RESUME);
    probe.awaitCalls("slow", 2);
    probe.release("slow");
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("mint")).isEqualTo(1);
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, WAITING_FOR_PAUSE, PAUSED, QUEUED, RUNNING, COMPLETE);
  }

  @Test
  void restartFromALaterStepReplaysTheEarlierStepsInstantlyAndRunsTheRestAgain() {
    WorkflowRef workflow =
        engine.define(
            "three",
            (event, step) -> {
              JsonNode id = mint(step);
              JsonNode b = step.run("b", probe.returns("b", "B"));
              JsonNode c =
                  step.run(
                      "c",
                      context -> {
                        probe.called("c");
                        return probe.calls("c");
                      });
              return Map.of("mint", id, "b", b, "c", c);
            });
    InstanceRef ref = engine.start(workflow, "from-c");
    engine.awaitStatus(ref, COMPLETE);
    StepView mintBefore = engine.step(ref, "do", "mint-1");
    StepView bBefore = engine.step(ref, "do", "b-1");
    JsonNode outputBefore = engine.output(ref);
    engine.advance(Duration.ofHours(1));

    assertThat(engine.restartFrom(ref, StepKind.DO, "c", 1).status()).isEqualTo(QUEUED);
    engine.awaitStatus(ref, COMPLETE);

    assertThat(probe.log()).containsExactly("mint", "b", "c", "c");
    assertThat(engine.step(ref, "do", "mint-1")).as("kept as recorded").isEqualTo(mintBefore);
    assertThat(engine.step(ref, "do", "b-1")).as("kept as recorded").isEqualTo(bBefore);
    assertThat(engine.step(ref, "do", "c-1").startedOn())
        .as("c ran again, at the new time")
        .isEqualTo(engine.clock().instant());
    JsonNode output = engine.output(ref);
    assertThat(output.get("mint")).isEqualTo(outputBefore.get("mint"));
    assertThat(output.get("c").asInt()).isEqualTo(2);
    assertThat(engine.triggers(ref))
        .containsExactly("RUN_STARTED", "RUN_SUCCEEDED", "restart", "RUN_STARTED", "RUN_SUCCEEDED");
  }

  @Test
  void restartFromAStepThatIsNotInTheHistoryIsRefusedNamingTheStep() {
    WorkflowRef workflow = engine.define("one", (event, step) -> mint(step));
    InstanceRef ref = engine.start(workflow, "no-such-step");
    engine.awaitStatus(ref, COMPLETE);

    assertThatThrownBy(() -> engine.restartFrom(ref, StepKind.DO, "charge", 1))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e -> assertThat(e.problems().getFirst().code()).isEqualTo(ErrorCode.CANNOT_RESTART))
        .hasMessageContaining("Step 'charge'");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, COMPLETE);
    assertThat(probe.calls("mint")).isEqualTo(1);
  }

  @Test
  void aRecordedStepErrorReplaysAsTheSameErrorWithoutTheStepRunningAgain() {
    WorkflowRef workflow =
        engine.define(
            "catches",
            (event, step) -> {
              try {
                step.run("flaky", probe.failsForGood("flaky", "boom"));
              } catch (StepFailedException e) {
                probe.called("caught " + e.errorName() + ": " + e.getMessage());
              }
              step.sleep("nap", Duration.ofHours(1));
              return "carried on";
            });
    InstanceRef ref = engine.start(workflow, "recorded-error");
    engine.awaitStatus(ref, WAITING);

    engine.advance(Duration.ofHours(1));
    engine.awaitStatus(ref, COMPLETE);

    assertThat(probe.log())
        .as("the function failed once; the replay after the sleep threw the recorded error")
        .containsExactly(
            "flaky", "caught NonRetryableError: boom", "caught NonRetryableError: boom");
    StepView flaky = engine.step(ref, "do", "flaky-1");
    assertThat(flaky.status()).isEqualTo("errored");
    assertThat(flaky.errorName()).isEqualTo("NonRetryableError");
    assertThat(engine.output(ref).asText()).isEqualTo("carried on");
  }
}
