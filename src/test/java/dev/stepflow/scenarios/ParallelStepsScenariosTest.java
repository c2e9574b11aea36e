package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.ERRORED;
import static dev.stepflow.domain.Status.PAUSED;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.TERMINATED;
import static dev.stepflow.domain.Status.WAITING;
import static dev.stepflow.domain.Status.WAITING_FOR_PAUSE;
import static dev.stepflow.testing.StepProbe.NO_RETRIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.Branch;
import dev.stepflow.workflow.NonRetryableException;
import dev.stepflow.workflow.StepConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * step.all through the real engine: branches run at once and return in the order given, each is
 * checkpointed on its own and replays without running again, a pause waits for every attempt in
 * flight and starts no new one, a terminate interrupts every branch, a failure compensates in
 * reverse start order, and a restart from a branch follows the start-order rule.
 */
class ParallelStepsScenariosTest {
  @RegisterExtension final EngineHarness engine = EngineHarness.create();
  private final StepProbe probe = new StepProbe();

  private Branch held(String name) {
    return Branch.of(name, NO_RETRIES, probe.heldUntilReleased(name, name.toUpperCase()))
        .withRollback(probe.rollback(name), NO_RETRIES);
  }

  private Branch returns(String name) {
    return Branch.of(name, NO_RETRIES, probe.returns(name, name.toUpperCase()))
        .withRollback(probe.rollback(name), NO_RETRIES);
  }

  @Test
  void branchesRunAtOnceAndReturnInTheOrderGiven() {
    WorkflowRef workflow =
        engine.define(
            "fan",
            (event, step) -> {
              List<JsonNode> results = step.all(held("a"), held("b"), held("c"));
              return results.stream().map(JsonNode::asText).toList();
            });
    InstanceRef ref = engine.start(workflow, "fan");

    // all three attempts are in flight together: none was released yet
    probe.awaitCalls("a", 1);
    probe.awaitCalls("b", 1);
    probe.awaitCalls("c", 1);
    probe.release("c");
    probe.release("b");
    probe.release("a");
    engine.awaitStatus(ref, COMPLETE);

    assertThat(engine.output(ref).toString()).isEqualTo("[\"A\",\"B\",\"C\"]");
    assertThat(engine.stepSummary(ref))
        .containsExactly("do a-1 complete", "do b-1 complete", "do c-1 complete");
  }

  @Test
  void tenOneSecondBranchesTakeAboutOneSecond() {
    WorkflowRef workflow =
        engine.define(
            "ten",
            (event, step) -> {
              Branch[] branches = new Branch[10];
              for (int i = 0; i < 10; i++) {
                branches[i] =
                    Branch.of(
                        "sleepy",
                        NO_RETRIES,
                        context -> {
                          Thread.sleep(1000);
                          return context.count();
                        });
              }
              return step.all(branches);
            });
    long started = System.nanoTime();
    InstanceRef ref = engine.start(workflow, "ten");

    engine.awaitStatus(ref, COMPLETE);

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).isLessThan(Duration.ofSeconds(2));
    assertThat(engine.output(ref).toString()).isEqualTo("[1,2,3,4,5,6,7,8,9,10]");
  }

  @Test
  void aBranchBackingOffSuspendsTheRunAndOnlyItRunsAgainOnReplay() {
    StepConfig retryAfterAMinute =
        StepConfig.DEFAULT.withRetries(1, Duration.ofMinutes(1), Backoff.CONSTANT);
    WorkflowRef workflow =
        engine.define(
            "retrying",
            (event, step) ->
                step.all(
                    returns("a"),
                    Branch.of(
                        "flaky",
                        retryAfterAMinute,
                        context -> {
                          probe.called("flaky #" + context.attempt());
                          if (context.attempt() == 1) {
                            throw new IllegalStateException("not yet");
                          }
                          return "F";
                        }),
                    returns("c")));
    InstanceRef ref = engine.start(workflow, "retrying");
    engine.awaitStatus(ref, WAITING);

    engine.advance(Duration.ofMinutes(1));
    engine.awaitStatus(ref, COMPLETE);

    assertThat(probe.calls("a")).isEqualTo(1);
    assertThat(probe.calls("c")).isEqualTo(1);
    assertThat(probe.log()).containsSubsequence("flaky #1", "flaky #2");
    assertThat(engine.output(ref).toString()).isEqualTo("[\"A\",\"F\",\"C\"]");
    assertThat(engine.triggers(ref))
        .containsExactly("RUN_STARTED", "RUN_SUSPENDED", "WAIT_ENDED", "RUN_SUCCEEDED");
  }

  @Test
  void aBranchWhoseRetryIsDueOnceTheOthersSettledGoesOnFromItsRecordedAttempts() {
    StepConfig retryAfterAMinute =
        StepConfig.DEFAULT.withRetries(3, Duration.ofMinutes(1), Backoff.CONSTANT);
    WorkflowRef workflow =
        engine.define(
            "dueRetry",
            (event, step) ->
                step.all(
                    held("a"),
                    Branch.of(
                        "flaky",
                        retryAfterAMinute,
                        context -> {
                          probe.called("flaky #" + context.attempt());
                          if (context.attempt() == 1) {
                            throw new IllegalStateException("not yet");
                          }
                          return "F";
                        })));
    InstanceRef ref = engine.start(workflow, "dueRetry");
    probe.awaitCalls("a", 1);
    await()
        .atMost(EngineHarness.AWAIT_LIMIT)
        .until(() -> engine.step(ref, "do", "flaky-1").wakeAt() != null);

    // the retry comes due while a is still in flight: the run goes on without suspending
    engine.advance(Duration.ofMinutes(1));
    probe.release("a");
    engine.awaitStatus(ref, COMPLETE);

    assertThat(probe.log()).containsSubsequence("flaky #1", "flaky #2").doesNotContain("flaky #3");
    assertThat(probe.log().stream().filter("flaky #1"::equals)).hasSize(1);
    assertThat(engine.output(ref).toString()).isEqualTo("[\"A\",\"F\"]");
    assertThat(engine.triggers(ref)).containsExactly("RUN_STARTED", "RUN_SUCCEEDED");
  }

  @Test
  void aPauseWaitsForEveryBranchInFlightAndStartsNoNewAttempt() {
    StepConfig oneRetry = StepConfig.DEFAULT.withRetries(1, Duration.ZERO, Backoff.CONSTANT);
    WorkflowRef workflow =
        engine.define(
            "paused",
            (event, step) ->
                step.all(
                    held("a"),
                    Branch.of(
                        "b",
                        oneRetry,
                        context -> {
                          probe.holdHere("b #" + context.attempt());
                          if (context.attempt() == 1) {
                            throw new IllegalStateException("b failed once");
                          }
                          return "B";
                        })));
    InstanceRef ref = engine.start(workflow, "paused");
    probe.awaitCalls("a", 1);
    probe.awaitCalls("b #1", 1);

    assertThat(engine.apply(ref, Action.PAUSE).status()).isEqualTo(WAITING_FOR_PAUSE);
    probe.release("b #1");
    engine.assertStays(ref, WAITING_FOR_PAUSE);
    probe.release("a");
    engine.awaitStatus(ref, PAUSED);

    // b's first attempt failed after the pause was asked: its retry did not start
    assertThat(probe.calls("b #2")).isZero();
    probe.release("b #2");
    engine.apply(ref, Action.RESUME);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("a")).isEqualTo(1);
    assertThat(probe.calls("b #2")).isEqualTo(1);
  }

  @Test
  void aTerminateInterruptsEveryBranch() {
    WorkflowRef workflow =
        engine.define("stopped", (event, step) -> step.all(held("a"), held("b")));
    InstanceRef ref = engine.start(workflow, "stopped");
    probe.awaitCalls("a", 1);
    probe.awaitCalls("b", 1);

    engine.apply(ref, Action.TERMINATE);
    engine.awaitStatus(ref, TERMINATED);

    probe.awaitCalls("interrupted a", 1);
    probe.awaitCalls("interrupted b", 1);
  }

  @Test
  void aBranchFailureCompensatesEveryStartedBranchInReverseStartOrder() {
    WorkflowRef workflow =
        engine.define(
            "compensated",
            (event, step) -> {
              step.run(
                  "before",
                  NO_RETRIES,
                  probe.returns("before", 0),
                  probe.rollback("before"),
                  NO_RETRIES);
              return step.all(
                  returns("a"),
                  Branch.of(
                          "b",
                          NO_RETRIES,
                          context -> {
                            probe.called("b");
                            throw new NonRetryableException("out of stock");
                          })
                      .withRollback(probe.rollback("b"), NO_RETRIES),
                  returns("c"));
            });
    InstanceRef ref = engine.start(workflow, "compensated");

    engine.awaitStatus(ref, ERRORED);

    assertThat(engine.instance(ref).errorMessage()).isEqualTo("out of stock");
    List<String> rollbacks =
        probe.log().stream().filter(line -> line.startsWith("rollback")).toList();
    assertThat(rollbacks)
        .containsExactly("rollback c", "rollback b", "rollback a", "rollback before");
  }

  @Test
  void restartFromABranchRerunsItAndTheBranchesStartedAfterIt() {
    WorkflowRef workflow =
        engine.define(
            "restarted",
            (event, step) -> {
              step.all(returns("a"), returns("b"), returns("c"));
              return step.run("after", NO_RETRIES, probe.returns("after", "done"));
            });
    InstanceRef ref = engine.start(workflow, "restarted");
    engine.awaitStatus(ref, COMPLETE);

    engine.restartFrom(ref, StepKind.DO, "b", 1);
    engine.awaitStatus(ref, COMPLETE);

    assertThat(probe.calls("a")).isEqualTo(1);
    assertThat(probe.calls("b")).isEqualTo(2);
    assertThat(probe.calls("c")).isEqualTo(2);
    assertThat(probe.calls("after")).isEqualTo(2);
  }

  @Test
  void aTerminateWithRollbackMidFanOutCompensatesEveryStartedBranchInReverseStartOrder() {
    WorkflowRef workflow =
        engine.define("rolledBack", (event, step) -> step.all(returns("a"), held("b"), held("c")));
    InstanceRef ref = engine.start(workflow, "rolledBack");
    probe.awaitCalls("b", 1);
    probe.awaitCalls("c", 1);

    engine.apply(ref, Action.TERMINATE_WITH_ROLLBACK);
    engine.awaitStatus(ref, TERMINATED);

    List<String> rollbacks =
        probe.log().stream().filter(line -> line.startsWith("rollback")).toList();
    assertThat(rollbacks).containsExactly("rollback c", "rollback b", "rollback a");
  }

  @Test
  void aBranchOutOfRetriesUnderPauseOnFailurePausesOnceTheOtherBranchesSettled() {
    WorkflowRef workflow =
        engine.define(
            "pausedBranch",
            (event, step) ->
                step.all(
                    held("a"),
                    Branch.of(
                        "b",
                        NO_RETRIES,
                        context -> {
                          probe.called("b #" + context.attempt());
                          if (context.attempt() == 1) {
                            throw new IllegalStateException("b is down");
                          }
                          return "B";
                        })));
    InstanceRef ref = engine.start(workflow, "pausedBranch", null, FailurePolicy.PAUSE);
    probe.awaitCalls("b #1", 1);

    // b ran out of retries, but a is still in flight: the instance pauses only once a settled
    engine.assertStays(ref, RUNNING);
    probe.release("a");
    engine.awaitStatus(ref, PAUSED);
    assertThat(engine.instance(ref).errorMessage()).isEqualTo("b is down");

    engine.apply(ref, Action.RESUME);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("a")).isEqualTo(1);
    assertThat(probe.calls("b #2")).isEqualTo(1);
    assertThat(engine.output(ref).toString()).isEqualTo("[\"A\",\"B\"]");
  }
}
