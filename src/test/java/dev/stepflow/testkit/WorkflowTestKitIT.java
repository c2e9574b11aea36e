package dev.stepflow.testkit;

import static dev.stepflow.api.model.InstanceStatus.COMPLETE;
import static dev.stepflow.api.model.InstanceStatus.WAITING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The test kit on the engine's own paths: time it moves, idleness it detects, replays it checks.
 */
class WorkflowTestKitIT {

  /** Sleeps a year between two steps; the second step's name can be changed between runs. */
  public static final class YearLong implements Workflow {
    static final AtomicBoolean renamed = new AtomicBoolean();

    @Override
    public Object run(WorkflowEvent event, Step step) {
      step.run("before", ctx -> "a");
      step.run(
          "when", ctx -> new When(Instant.parse("2026-12-02T10:15:30Z"), Duration.ofSeconds(90)));
      step.sleep("a-year", Duration.ofDays(365));
      return step.run(renamed.get() ? "after-renamed" : "after", ctx -> Instant.now().toString());
    }
  }

  /** A step result with a date and a duration. */
  public record When(Instant at, Duration took) {}

  /** Works for two seconds in one step. */
  public static final class Slow implements Workflow {
    @Override
    public Object run(WorkflowEvent event, Step step) {
      return step.run(
          "work",
          ctx -> {
            Thread.sleep(2_000);
            return "done";
          });
    }
  }

  @Test
  void aYearOfSleepPassesAtOnceAndTheKitsClockIsTheEngines() {
    try (WorkflowTestKit kit = WorkflowTestKit.builder().register(YearLong.class).start()) {
      Instant before = kit.now();
      TestRun run = kit.run("YearLong", "y1", Map.of());
      kit.settle();
      assertThat(run.status()).isEqualTo(WAITING);

      kit.advance(Duration.ofDays(364));
      kit.settle();
      assertThat(run.status()).isEqualTo(WAITING);

      assertThat(kit.advanceToNextTimer()).isPositive().isLessThanOrEqualTo(Duration.ofDays(1));
      run.awaitStatus(COMPLETE);
      assertThat(Duration.between(before, kit.now())).isGreaterThanOrEqualTo(Duration.ofDays(365));
      assertThat(run.steps()).containsExactly("before-1", "when-1", "a-year-1", "after-1");
      assertThat(run.stepOutput("before").asText()).isEqualTo("a");
      // dates and durations are recorded as ISO-8601 strings
      assertThat(run.stepOutput("when").toString())
          .isEqualTo("{\"at\":\"2026-12-02T10:15:30Z\",\"took\":\"PT1M30S\"}");
      assertThat(run.attempts("after-1")).isEqualTo(1);
    }
  }

  @Test
  void theReplayCheckWarnsOfStepsTheCodeNoLongerReaches() {
    try (WorkflowTestKit kit = WorkflowTestKit.builder().register(YearLong.class).start()) {
      TestRun run = kit.run("YearLong", Map.of());
      kit.advance(Duration.ofDays(365));
      run.awaitStatus(COMPLETE);
      assertThat(run.replayWarnings()).isEmpty();

      YearLong.renamed.set(true);
      try {
        assertThat(run.replayWarnings())
            .containsExactlyInAnyOrder(
                "after-renamed-1 is reached on replay, but the instance's history has no such"
                    + " step (it ended complete)",
                "after-1 is in the instance's history, but the code did not reach it on replay");
      } finally {
        YearLong.renamed.set(false);
      }
    }
  }

  @Test
  void timeDoesNotMoveWhileAStepWorks() {
    try (WorkflowTestKit kit = WorkflowTestKit.builder().register(Slow.class).start()) {
      TestRun run = kit.run("Slow", Map.of());
      long started = System.nanoTime();
      kit.advance(Duration.ofHours(1));
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThan(Duration.ofMillis(1_000));
      assertThat(run.status()).isEqualTo(COMPLETE);
    }
  }

  @Test
  void anAwaitThatCannotBeMetFailsWithTheInstancesState() {
    try (WorkflowTestKit kit = WorkflowTestKit.builder().register(YearLong.class).start()) {
      TestRun run = kit.run("YearLong", Map.of());
      assertThatThrownBy(() -> run.awaitStatus(COMPLETE, Duration.ofMillis(500)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("is waiting, expected complete")
          .hasMessageContaining("before-1");
      assertThatThrownBy(() -> kit.run("Unknown", Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("YearLong");
    }
  }
}
