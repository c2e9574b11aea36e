package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.ERRORED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.TERMINATED;
import static dev.stepflow.domain.Status.WAITING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.TransitionRejected;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import dev.stepflow.workflow.NonRetryableException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rows out of complete, errored and terminated: only restart leaves them, and a restart without
 * a step wipes every step, so the instance runs from the top with the same id and params.
 */
class FinishedScenariosTest {
  @RegisterExtension final EngineHarness engine = EngineHarness.create();
  private final StepProbe probe = new StepProbe();

  @Test
  void restartOnACompleteInstanceRunsEveryStepAgainWithTheSameParams() {
    WorkflowRef workflow =
        engine.define(
            "greeter",
            (event, step) -> {
              String name = event.params().get("name").asText();
              return step.run("greet", probe.returns("greet", "hello " + name));
            });
    InstanceRef ref = engine.start(workflow, "greeted", "{\"name\":\"ada\"}");
    engine.awaitStatus(ref, COMPLETE);

    assertThat(engine.apply(ref, Action.RESTART).status()).isEqualTo(QUEUED);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("greet")).isEqualTo(2);
    assertThat(engine.output(ref).asText()).isEqualTo("hello ada");
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, COMPLETE, QUEUED, RUNNING, COMPLETE);
    assertThat(engine.triggers(ref))
        .containsExactly("RUN_STARTED", "RUN_SUCCEEDED", "restart", "RUN_STARTED", "RUN_SUCCEEDED");
  }

  @Test
  void restartOnAnErroredInstanceRunsItAgainFromTheTop() {
    WorkflowRef workflow =
        engine.define(
            "fails-once",
            (event, step) -> {
              step.run("a", probe.returns("a", "A"));
              return step.run(
                  "charge",
                  context -> {
                    probe.called("charge");
                    if (probe.calls("charge") == 1) {
                      throw new NonRetryableException("card declined");
                    }
                    return "charged";
                  });
            });
    InstanceRef ref = engine.start(workflow, "declined-once");
    engine.awaitStatus(ref, ERRORED);

    assertThat(engine.apply(ref, Action.RESTART).status()).isEqualTo(QUEUED);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(engine.output(ref).asText()).isEqualTo("charged");
    assertThat(engine.instance(ref).errorName()).as("the old error is wiped").isNull();
    assertThat(probe.log()).containsExactly("a", "charge", "a", "charge");
    assertThat(engine.stepSummary(ref)).containsExactly("do a-1 complete", "do charge-1 complete");
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, ERRORED, QUEUED, RUNNING, COMPLETE);
  }

  @Test
  void restartOnATerminatedInstanceRunsItAgain() {
    WorkflowRef workflow =
        engine.define(
            "sleeper",
            (event, step) -> {
              step.run("a", probe.returns("a", "A"));
              step.sleep("nap", Duration.ofHours(1));
              return step.run("after", probe.returns("after", "done"));
            });
    InstanceRef ref = engine.start(workflow, "terminated");
    engine.awaitStatus(ref, WAITING);
    engine.apply(ref, Action.TERMINATE);

    assertThat(engine.apply(ref, Action.RESTART).status()).isEqualTo(QUEUED);
    engine.awaitStatus(ref, WAITING);
    engine.advance(Duration.ofHours(1));
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.log()).containsExactly("a", "a", "after");
    assertThat(engine.path(ref))
        .containsExactly(
            QUEUED, RUNNING, WAITING, TERMINATED, QUEUED, RUNNING, WAITING, RUNNING, COMPLETE);
  }

  @Test
  void everyActionButRestartIsRefusedOnAFinishedInstance() {
    WorkflowRef workflow = engine.define("quick", (event, step) -> step.run("a", context -> 1));
    InstanceRef ref = engine.start(workflow, "finished");
    engine.awaitStatus(ref, COMPLETE);

    for (Action action : Action.values()) {
      if (action != Action.RESTART) {
        assertThatThrownBy(() -> engine.apply(ref, action))
            .as(action.label())
            .isInstanceOf(TransitionRejected.class)
            .hasMessageEndingWith("it is complete. Allowed actions: restart.");
      }
    }
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, COMPLETE);
  }
}
