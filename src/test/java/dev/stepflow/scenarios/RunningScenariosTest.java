package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.PAUSED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.ROLLING_BACK;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.TERMINATED;
import static dev.stepflow.domain.Status.WAITING_FOR_PAUSE;
import static dev.stepflow.testing.StepProbe.NO_RETRIES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rows out of running and waitingForPause. The workflow runs step "a", then step "slow", whose
 * attempt the test holds in flight, then step "next"; "a" and "slow" register rollback handlers. So
 * the test decides when the attempt ends, and sees which functions and handlers ran.
 */
class RunningScenariosTest {
  @RegisterExtension final EngineHarness engine = EngineHarness.create();
  private final StepProbe probe = new StepProbe();
  private WorkflowRef workflow;

  @BeforeEach
  void defineTheWorkflow() {
    workflow =
        engine.define(
            "held",
            (event, step) -> {
              JsonNode a =
                  step.run(
                      "a", NO_RETRIES, probe.returns("a", "A"), probe.rollback("a"), NO_RETRIES);
              JsonNode slow =
                  step.run(
                      "slow",
                      NO_RETRIES,
                      probe.heldUntilReleased("slow", "S"),
                      probe.rollback("slow"),
                      NO_RETRIES);
              JsonNode next = step.run("next", probe.returns("next", "N"));
              return a.asText() + slow.asText() + next.asText();
            });
  }

  /** Starts an instance and waits until the attempt of "slow" is in flight. */
  private InstanceRef startAndHoldSlow(String id) {
    InstanceRef ref = engine.start(workflow, id);
    probe.awaitCalls("slow", 1);
    assertThat(engine.status(ref)).isEqualTo(RUNNING);
    return ref;
  }

  /** Pauses while "slow" is in flight: the instance waits for the attempt. */
  private InstanceRef startHoldSlowAndPause(String id) {
    InstanceRef ref = startAndHoldSlow(id);
    assertThat(engine.apply(ref, Action.PAUSE).status()).isEqualTo(WAITING_FOR_PAUSE);
    return ref;
  }

  @Test
  void pauseWhileAStepAttemptIsInFlightLetsItFinishThenPausesBeforeTheNextStep() {
    InstanceRef ref = startHoldSlowAndPause("pause-in-flight");
    int rowsBefore = engine.history(ref).size();
    assertThat(engine.apply(ref, Action.PAUSE).status())
        .as("pause again while waiting for pause: a no-op")
        .isEqualTo(WAITING_FOR_PAUSE);
    assertThat(engine.history(ref)).hasSize(rowsBefore);

    probe.release("slow");
    engine.awaitStatus(ref, PAUSED);
    assertThat(engine.stepSummary(ref)).containsExactly("do a-1 complete", "do slow-1 complete");
    assertThat(probe.calls("next")).isZero();

    assertThat(engine.apply(ref, Action.RESUME).status()).isEqualTo(QUEUED);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(engine.output(ref).asText()).isEqualTo("ASN");
    assertThat(probe.log()).containsExactly("a", "slow", "next");
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, WAITING_FOR_PAUSE, PAUSED, QUEUED, RUNNING, COMPLETE);
    assertThat(engine.triggers(ref))
        .containsExactly(
            "RUN_STARTED", "pause", "STEPS_SETTLED", "resume", "RUN_STARTED", "RUN_SUCCEEDED");
  }

  @Test
  void pauseWithNoStepAttemptInFlightPausesAtOnce() {
    WorkflowRef between =
        engine.define(
            "between",
            (event, step) -> {
              step.run("a", probe.returns("a", "A"));
              probe.holdHere("between steps");
              return step.run("next", probe.returns("next", "N"));
            });
    InstanceRef ref = engine.start(between, "no-attempt");
    probe.awaitCalls("between steps", 1);

    engine.apply(ref, Action.PAUSE);
    assertThat(engine.status(ref)).isEqualTo(PAUSED);
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, WAITING_FOR_PAUSE, PAUSED);

    probe.release("between steps");
    engine.assertStays(ref, PAUSED);
    assertThat(probe.calls("next")).as("no step starts once paused").isZero();

    engine.apply(ref, Action.RESUME);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("a")).isEqualTo(1);
    assertThat(probe.calls("next")).isEqualTo(1);
  }

  @Test
  void resumeWhileWaitingForPauseCancelsThePauseAndTheRunGoesOn() {
    InstanceRef ref = startHoldSlowAndPause("pause-withdrawn");

    assertThat(engine.apply(ref, Action.RESUME).status()).isEqualTo(RUNNING);
    probe.release("slow");
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.log()).containsExactly("a", "slow", "next");
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, WAITING_FOR_PAUSE, RUNNING, COMPLETE);
    assertThat(engine.triggers(ref))
        .containsExactly("RUN_STARTED", "pause", "resume", "RUN_SUCCEEDED");
  }

  @Test
  void terminateWhileAStepIsInFlightInterruptsItAndDiscardsItsResult() {
    InstanceRef ref = startAndHoldSlow("terminated-running");

    assertThat(engine.apply(ref, Action.TERMINATE).status()).isEqualTo(TERMINATED);
    assertInterruptedAndNothingMoreRan(ref);
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, TERMINATED);
  }

  @Test
  void terminateWhileWaitingForPauseEndsTheRunAtOnce() {
    InstanceRef ref = startHoldSlowAndPause("terminated-pausing");

    assertThat(engine.apply(ref, Action.TERMINATE).status()).isEqualTo(TERMINATED);
    assertInterruptedAndNothingMoreRan(ref);
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, WAITING_FOR_PAUSE, TERMINATED);
  }

  private void assertInterruptedAndNothingMoreRan(InstanceRef ref) {
    probe.awaitCalls("interrupted slow", 1);
    probe.release("slow");
    engine.assertStays(ref, TERMINATED);
    assertThat(engine.step(ref, "do", "slow-1").status()).isNotEqualTo("complete");
    assertThat(probe.log()).containsExactly("a", "slow", "interrupted slow");
    assertThat(engine.instance(ref).endedOn()).isNotNull();
    assertThat(engine.instance(ref).rollbackOutcome()).isNull();
  }

  @Test
  void terminateWithRollbackWhileRunningCompensatesStartedStepsInReverseOrderThenTerminates() {
    InstanceRef ref = startAndHoldSlow("rolled-back-running");

    assertThat(engine.apply(ref, Action.TERMINATE_WITH_ROLLBACK).status()).isEqualTo(ROLLING_BACK);
    engine.awaitStatus(ref, TERMINATED);
    assertCompensatedInReverseOrder(ref);
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, ROLLING_BACK, TERMINATED);
    assertThat(engine.triggers(ref))
        .containsExactly("RUN_STARTED", "terminate+rollback", "TERMINATION_COMPENSATED");
  }

  @Test
  void terminateWithRollbackWhileWaitingForPauseCompensatesThenTerminates() {
    InstanceRef ref = startHoldSlowAndPause("rolled-back-pausing");

    assertThat(engine.apply(ref, Action.TERMINATE_WITH_ROLLBACK).status()).isEqualTo(ROLLING_BACK);
    engine.awaitStatus(ref, TERMINATED);
    assertCompensatedInReverseOrder(ref);
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, WAITING_FOR_PAUSE, ROLLING_BACK, TERMINATED);
  }

  /** "slow" started (and was interrupted), so its handler runs too, before the one of "a". */
  private void assertCompensatedInReverseOrder(InstanceRef ref) {
    assertThat(probe.log())
        .containsSubsequence("a", "slow", "rollback slow", "rollback a")
        .contains("interrupted slow")
        .doesNotContain("next");
    assertThat(probe.calls("rollback slow")).isEqualTo(1);
    assertThat(probe.calls("rollback a")).isEqualTo(1);
    assertThat(engine.instance(ref).rollbackOutcome()).isEqualTo(RollbackOutcome.COMPLETE);
    assertThat(engine.stepSummary(ref))
        .contains("rollback slow-1 complete", "rollback a-1 complete");
  }

  @Test
  void restartWhileAStepIsInFlightAbandonsItAndRunsEveryStepFromTheTop() {
    InstanceRef ref = startAndHoldSlow("restarted-running");

    assertThat(engine.apply(ref, Action.RESTART).status()).isEqualTo(QUEUED);
    probe.awaitCalls("slow", 2);
    probe.release("slow");
    engine.awaitStatus(ref, COMPLETE);
    assertRanTwiceFromTheTop(ref);
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, QUEUED, RUNNING, COMPLETE);
  }

  @Test
  void restartWhileWaitingForPauseDropsThePauseAndRunsFromTheTop() {
    InstanceRef ref = startHoldSlowAndPause("restarted-pausing");

    assertThat(engine.apply(ref, Action.RESTART).status()).isEqualTo(QUEUED);
    probe.awaitCalls("slow", 2);
    probe.release("slow");
    engine.awaitStatus(ref, COMPLETE);
    assertRanTwiceFromTheTop(ref);
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, WAITING_FOR_PAUSE, QUEUED, RUNNING, COMPLETE);
  }

  /**
   * A pause asked for after a step's attempt ended but before its outcome was recorded (here: while
   * its result is written as JSON) waits for that record, so on resume the step does not run again.
   * The kill -9 soak found this once: the pause settled from the request's thread, the record was
   * fenced, and the attempt ran twice.
   */
  @Test
  void pauseBetweenAnAttemptsEndAndItsRecordWaitsForTheRecord() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    WorkflowRef slowResult =
        engine.define(
            "slow-result",
            (event, step) -> {
              JsonNode result =
                  step.run(
                      "result",
                      ctx -> {
                        probe.called("result");
                        return new WrittenWhenLet(writing, go);
                      });
              return result.get("value").asText()
                  + step.run("after", probe.returns("after", "!")).asText();
            });
    InstanceRef ref = engine.start(slowResult, "pause-before-record");
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(engine.apply(ref, Action.PAUSE).status()).isEqualTo(WAITING_FOR_PAUSE);
    go.countDown();
    engine.awaitStatus(ref, PAUSED);
    assertThat(engine.stepSummary(ref)).containsExactly("do result-1 complete");

    engine.apply(ref, Action.RESUME);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("result")).isEqualTo(1);
    assertThat(engine.output(ref).asText()).isEqualTo("v!");
  }

  /** A step result whose JSON is written once the test lets it. */
  public static final class WrittenWhenLet {
    private final CountDownLatch writing;
    private final CountDownLatch go;

    WrittenWhenLet(CountDownLatch writing, CountDownLatch go) {
      this.writing = writing;
      this.go = go;
    }

    public String getValue() throws InterruptedException {
      writing.countDown();
      go.await(10, TimeUnit.SECONDS);
      return "v";
    }
  }

  private void assertRanTwiceFromTheTop(InstanceRef ref) {
    assertThat(probe.log()).containsSubsequence("a", "slow", "a", "slow", "next");
    assertThat(probe.calls("interrupted slow")).isEqualTo(1);
    assertThat(probe.calls("a")).isEqualTo(2);
    assertThat(probe.calls("next")).isEqualTo(1);
    assertThat(engine.output(ref).asText()).isEqualTo("ASN");
    assertThat(engine.stepSummary(ref))
        .containsExactly("do a-1 complete", "do slow-1 complete", "do next-1 complete");
  }
}
