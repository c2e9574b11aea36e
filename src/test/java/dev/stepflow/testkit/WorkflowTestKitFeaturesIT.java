package dev.stepflow.testkit;

import static dev.stepflow.api.model.InstanceStatus.COMPLETE;
import static dev.stepflow.api.model.InstanceStatus.PAUSED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.client.CreateInstance;
import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.Branch;
import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.StepConfig;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test kit with step.all and on_failure: pause, on the engine's own paths. */
class WorkflowTestKitFeaturesIT {

  /** Two branches at once, then a step that uses both results. */
  public static final class Quotes implements Workflow {
    @Override
    public Object run(WorkflowEvent event, Step step) {
      var quotes = step.all(Branch.of("dhl", ctx -> 12), Branch.of("ups", ctx -> 9));
      return step.run("cheapest", ctx -> Math.min(quotes.get(0).asInt(), quotes.get(1).asInt()));
    }
  }

  /** A step that fails its first three attempts, with one retry a minute later per budget. */
  public static final class Flaky implements Workflow {
    @Override
    public Object run(WorkflowEvent event, Step step) {
      return step.run(
          "call",
          StepConfig.DEFAULT.withRetries(1, Duration.ofMinutes(1), Backoff.CONSTANT),
          ctx -> {
            if (ctx.attempt() <= 3) {
              throw new IllegalStateException("down at attempt " + ctx.attempt());
            }
            return "up at attempt " + ctx.attempt();
          });
    }
  }

  @Test
  void branchesOfAStepAllRunAndReplayWithoutWarnings() {
    try (WorkflowTestKit kit = WorkflowTestKit.builder().register(Quotes.class).start()) {
      TestRun run = kit.run("Quotes", "q1", Map.of());

      run.awaitStatus(COMPLETE);

      assertThat(run.output().asInt()).isEqualTo(9);
      assertThat(run.steps()).containsExactly("dhl-1", "ups-1", "cheapest-1");
      assertThat(run.replayWarnings()).isEmpty();
    }
  }

  @Test
  void anInstancePausingOnFailurePausesAndResumesWithAFreshBudget() {
    try (WorkflowTestKit kit = WorkflowTestKit.builder().register(Flaky.class).start()) {
      TestRun run = kit.run("Flaky", CreateInstance.withId("f1").pausingOnFailure());

      kit.advanceToNextTimer();
      run.awaitStatus(PAUSED);
      assertThat(run.details().getError().getMessage()).isEqualTo("down at attempt 2");

      run.resume();
      kit.advanceToNextTimer();
      run.awaitStatus(COMPLETE);
      assertThat(run.output().asText()).isEqualTo("up at attempt 4");
      assertThat(run.attempts("call-1")).isEqualTo(4);
    }
  }
}
