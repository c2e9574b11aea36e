package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.ERRORED;
import static dev.stepflow.domain.Status.PAUSED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.ROLLING_BACK;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.TERMINATED;
import static dev.stepflow.domain.Status.WAITING;
import static dev.stepflow.testing.StepProbe.NO_RETRIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.StepConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Timers on the test clock, events, and the rows out of waiting: sleeps, retry backoffs and event
 * waits end when the clock passes their deadline (no real waiting), time spent paused does not
 * count against a relative deadline, sleepUntil keeps its absolute time, and an event is buffered
 * until a wait of its type consumes it, once (DESIGN.md section 2).
 */
class WaitingScenariosTest {
  private static final Duration ONE_MS = Duration.ofMillis(1);
  private static final Duration FOURTEEN_DAYS = Duration.ofDays(14);
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  @RegisterExtension final EngineHarness engine = EngineHarness.create();
  private final StepProbe probe = new StepProbe();

  /** "a" (with a rollback handler), a 14-day sleep, then "after". */
  private WorkflowRef sleeper() {
    return engine.define(
        "sleeper",
        (event, step) -> {
          step.run("a", NO_RETRIES, probe.returns("a", "A"), probe.rollback("a"), NO_RETRIES);
          step.sleep("nap", FOURTEEN_DAYS);
          return step.run("after", probe.returns("after", "done"));
        });
  }

  private InstanceRef startSleeping(String id) {
    InstanceRef ref = engine.start(sleeper(), id);
    engine.awaitStatus(ref, WAITING);
    return ref;
  }

  @Test
  void aFourteenDaySleepEndsWhenTheClockPassesItWithoutRealWaiting() {
    Instant start = engine.clock().instant();
    InstanceRef ref = startSleeping("fortnight");
    assertThat(engine.step(ref, "sleep", "nap-1").wakeAt()).isEqualTo(start.plus(FOURTEEN_DAYS));

    engine.advance(FOURTEEN_DAYS.minus(ONE_MS));
    engine.assertStays(ref, WAITING);
    assertThat(probe.calls("after")).isZero();

    engine.advance(ONE_MS);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(engine.output(ref).asText()).isEqualTo("done");
    assertThat(probe.log())
        .as("a replays from its record after the sleep")
        .containsExactly("a", "after");
    assertThat(engine.stepSummary(ref))
        .containsExactly("do a-1 complete", "sleep nap-1 complete", "do after-1 complete");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, WAITING, RUNNING, COMPLETE);
    assertThat(engine.triggers(ref))
        .containsExactly("RUN_STARTED", "RUN_SUSPENDED", "WAIT_ENDED", "RUN_SUCCEEDED");
  }

  /** "flaky" fails its first attempt; its one retry comes after a constant 10 minutes. */
  private WorkflowRef flakyOnce() {
    StepConfig retryIn10Minutes = StepConfig.DEFAULT.withRetries(1, TEN_MINUTES, Backoff.CONSTANT);
    return engine.define(
        "flaky",
        (event, step) ->
            step.run(
                "flaky",
                retryIn10Minutes,
                context -> {
                  probe.called("flaky");
                  if (context.attempt() == 1) {
                    throw new IllegalStateException("first attempt fails");
                  }
                  return "ok on attempt " + context.attempt();
                }));
  }

  @Test
  void aRetryBackoffOfTenMinutesWaitsOnTheClockThenTheNextAttemptRuns() {
    Instant start = engine.clock().instant();
    InstanceRef ref = engine.start(flakyOnce(), "backoff");
    engine.awaitStatus(ref, WAITING);
    assertThat(engine.step(ref, "do", "flaky-1").wakeAt()).isEqualTo(start.plus(TEN_MINUTES));
    assertThat(engine.step(ref, "do", "flaky-1").errorMessage()).isEqualTo("first attempt fails");

    engine.advance(TEN_MINUTES.minus(ONE_MS));
    engine.assertStays(ref, WAITING);
    assertThat(probe.calls("flaky")).isEqualTo(1);

    engine.advance(ONE_MS);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("flaky")).isEqualTo(2);
    assertThat(engine.output(ref).asText()).isEqualTo("ok on attempt 2");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, WAITING, RUNNING, COMPLETE);
  }

  /** Waits for an "approved" event with the default timeout (24 hours), and returns its payload. */
  private WorkflowRef approval() {
    return engine.define(
        "approval", (event, step) -> step.waitForEvent("approval", "approved").get("payload"));
  }

  @Test
  void aWaitForEventTimesOutAfterItsDefaultTwentyFourHoursAndErrorsTheWait() {
    InstanceRef ref = engine.start(approval(), "no-approval");
    engine.awaitStatus(ref, WAITING);

    engine.advance(Duration.ofHours(24).minus(ONE_MS));
    engine.assertStays(ref, WAITING);

    engine.advance(ONE_MS);
    engine.awaitStatus(ref, ERRORED);
    Instance errored = engine.instance(ref);
    assertThat(errored.errorName()).isEqualTo("WaitTimeoutError");
    assertThat(errored.errorMessage()).isEqualTo("Execution timed out after 86400000ms");
    assertThat(engine.stepSummary(ref)).containsExactly("waitForEvent approval-1 errored");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, WAITING, RUNNING, ERRORED);
    assertThat(engine.triggers(ref))
        .containsExactly("RUN_STARTED", "RUN_SUSPENDED", "WAIT_ENDED", "RUN_FAILED");
  }

  @Test
  void anEventSentToAWaitingInstanceEndsTheWaitWithoutTheClockMoving() {
    InstanceRef ref = engine.start(approval(), "approved");
    engine.awaitStatus(ref, WAITING);

    engine.sendEvent(ref, "approved", "{\"by\":\"ops\"}");
    engine.awaitStatus(ref, COMPLETE);
    assertThat(engine.output(ref).get("by").asText()).isEqualTo("ops");
    assertThat(engine.stepSummary(ref)).containsExactly("waitForEvent approval-1 complete");
  }

  @Test
  void eventsSentBeforeTheirWaitsAreBufferedAndEachIsConsumedOnceInOrder() {
    WorkflowRef twoApprovals =
        engine.define(
            "two-approvals",
            (event, step) -> {
              step.run("prepare", probe.heldUntilReleased("prepare", 0));
              JsonNode first = step.waitForEvent("first", "approved").get("payload");
              JsonNode second = step.waitForEvent("second", "approved").get("payload");
              return List.of(first, second);
            });
    InstanceRef ref = engine.start(twoApprovals, "buffered");
    probe.awaitCalls("prepare", 1);
    engine.sendEvent(ref, "approved", "1");
    engine.sendEvent(ref, "approved", "2");

    probe.release("prepare");
    engine.awaitStatus(ref, COMPLETE);
    assertThat(engine.output(ref).toString()).isEqualTo("[1,2]");
    assertThat(engine.stepSummary(ref))
        .containsExactly(
            "do prepare-1 complete",
            "waitForEvent first-1 complete",
            "waitForEvent second-1 complete");
    assertThatThrownBy(() -> engine.sendEvent(ref, "approved", "3"))
        .as("a finished instance refuses events")
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.problems().getFirst().code())
                    .isEqualTo(ErrorCode.CANNOT_RECEIVE_EVENT));
  }

  @Test
  void timeSpentPausedDoesNotCountAgainstARelativeSleep() {
    InstanceRef ref = startSleeping("paused-sleep");
    engine.advance(Duration.ofDays(4));

    assertThat(engine.apply(ref, Action.PAUSE).status()).isEqualTo(PAUSED);
    engine.advance(Duration.ofDays(30));
    engine.assertStays(ref, PAUSED);
    assertThat(engine.apply(ref, Action.RESUME).status()).isEqualTo(QUEUED);

    // 4 of the 14 days had passed before the pause: 10 are left after the resume
    engine.awaitStatus(ref, WAITING);
    engine.advance(Duration.ofDays(10).minus(ONE_MS));
    engine.assertStays(ref, WAITING);
    assertThat(probe.calls("after")).isZero();
    engine.advance(ONE_MS);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.log()).containsExactly("a", "after");
    assertThat(engine.path(ref))
        .containsExactly(
            QUEUED, RUNNING, WAITING, PAUSED, QUEUED, RUNNING, WAITING, RUNNING, COMPLETE);
    assertThat(engine.triggers(ref))
        .containsExactly(
            "RUN_STARTED",
            "RUN_SUSPENDED",
            "pause",
            "resume",
            "RUN_STARTED",
            "RUN_SUSPENDED",
            "WAIT_ENDED",
            "RUN_SUCCEEDED");
  }

  @Test
  void sleepUntilKeepsItsAbsoluteTimeAcrossAPause() {
    Instant deadline = engine.clock().instant().plus(FOURTEEN_DAYS);
    WorkflowRef until =
        engine.define(
            "until",
            (event, step) -> {
              step.sleepUntil("deadline", deadline);
              return step.run("after", probe.returns("after", "done"));
            });
    InstanceRef ref = engine.start(until, "absolute");
    engine.awaitStatus(ref, WAITING);
    engine.advance(Duration.ofDays(4));
    engine.apply(ref, Action.PAUSE);
    engine.advance(Duration.ofDays(2));
    engine.apply(ref, Action.RESUME);
    engine.awaitStatus(ref, WAITING);

    // a relative sleep would now end at day 16; sleepUntil still ends at day 14
    assertThat(engine.step(ref, "sleep", "deadline-1").wakeAt()).isEqualTo(deadline);
    engine.advance(Duration.ofDays(8).minus(ONE_MS));
    engine.assertStays(ref, WAITING);
    engine.advance(ONE_MS);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("after")).isEqualTo(1);
  }

  @Test
  void timeSpentPausedDoesNotCountAgainstARetryDelay() {
    InstanceRef ref = engine.start(flakyOnce(), "paused-backoff");
    engine.awaitStatus(ref, WAITING);
    engine.advance(Duration.ofMinutes(4));
    engine.apply(ref, Action.PAUSE);
    engine.advance(Duration.ofHours(1));
    engine.apply(ref, Action.RESUME);
    engine.awaitStatus(ref, WAITING);

    engine.advance(Duration.ofMinutes(6).minus(ONE_MS));
    engine.assertStays(ref, WAITING);
    assertThat(probe.calls("flaky")).isEqualTo(1);
    engine.advance(ONE_MS);
    engine.awaitStatus(ref, COMPLETE);
    assertThat(probe.calls("flaky")).isEqualTo(2);
  }

  @Test
  void timeSpentPausedDoesNotCountAgainstAWaitForEventTimeout() {
    InstanceRef ref = engine.start(approval(), "paused-approval");
    engine.awaitStatus(ref, WAITING);
    engine.advance(Duration.ofHours(20));
    engine.apply(ref, Action.PAUSE);
    engine.advance(Duration.ofDays(3));
    engine.apply(ref, Action.RESUME);
    engine.awaitStatus(ref, WAITING);

    engine.advance(Duration.ofHours(4).minus(ONE_MS));
    engine.assertStays(ref, WAITING);
    engine.advance(ONE_MS);
    engine.awaitStatus(ref, ERRORED);
    assertThat(engine.instance(ref).errorName()).isEqualTo("WaitTimeoutError");
  }

  @Test
  void terminateWhileWaitingEndsTheInstanceAndTheSleepNeverEnds() {
    InstanceRef ref = startSleeping("terminated-sleeping");

    assertThat(engine.apply(ref, Action.TERMINATE).status()).isEqualTo(TERMINATED);
    engine.advance(FOURTEEN_DAYS);
    engine.assertStays(ref, TERMINATED);
    assertThat(probe.log()).containsExactly("a");
    assertThat(engine.path(ref)).containsExactly(QUEUED, RUNNING, WAITING, TERMINATED);
  }

  @Test
  void terminateWithRollbackWhileWaitingCompensatesTheStepsThatRanThenTerminates() {
    InstanceRef ref = startSleeping("rolled-back-sleeping");

    assertThat(engine.apply(ref, Action.TERMINATE_WITH_ROLLBACK).status()).isEqualTo(ROLLING_BACK);
    engine.awaitStatus(ref, TERMINATED);
    assertThat(probe.log()).containsExactly("a", "rollback a");
    assertThat(engine.instance(ref).rollbackOutcome()).isEqualTo(RollbackOutcome.COMPLETE);
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, WAITING, ROLLING_BACK, TERMINATED);
    assertThat(engine.triggers(ref).getLast()).isEqualTo("TERMINATION_COMPENSATED");
  }

  @Test
  void restartWhileWaitingRunsFromTheTopAndStartsANewSleep() {
    InstanceRef ref = startSleeping("restarted-sleeping");
    engine.advance(Duration.ofDays(13));

    assertThat(engine.apply(ref, Action.RESTART).status()).isEqualTo(QUEUED);
    engine.awaitStatus(ref, WAITING);
    assertThat(probe.calls("a")).isEqualTo(2);
    assertThat(engine.step(ref, "sleep", "nap-1").wakeAt())
        .as("a new 14-day sleep from the restart")
        .isEqualTo(engine.clock().instant().plus(FOURTEEN_DAYS));
    assertThat(engine.path(ref))
        .containsExactly(QUEUED, RUNNING, WAITING, QUEUED, RUNNING, WAITING);
  }
}
