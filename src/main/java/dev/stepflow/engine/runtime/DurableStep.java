package dev.stepflow.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.Limits;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.StepStatus;
import dev.stepflow.workflow.Branch;
import dev.stepflow.workflow.NonRetryableException;
import dev.stepflow.workflow.Rollback;
import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.StepConfig;
import dev.stepflow.workflow.StepContext;
import dev.stepflow.workflow.StepFailedException;
import dev.stepflow.workflow.StepFunction;
import dev.stepflow.workflow.WaitTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@link Step} workflow code sees. Each call is identified by (kind, name, count); a call whose
 * step is recorded as finished returns (or throws) the record without running. Otherwise it runs
 * and checkpoints through fenced writes, or suspends the run by throwing {@link Unwind}.
 *
 * <p>In collect mode (rebuilding rollback handlers for a terminate with rollback) nothing runs:
 * recorded steps replay, a started but unfinished step registers its handler and returns null, and
 * the first step that never started ends the replay.
 *
 * <p>It keeps the instance's persisted state (params, step outputs, error messages and attempt
 * logs, the instance output; UTF-8 JSON text) within {@link RunContext#maxStateBytes}: the step
 * result, or the workflow output, that would pass it fails for good with InstanceStateTooLarge.
 */
final class DurableStep implements Step {
  static final int MAX_NAME_LENGTH = 256;
  private static final String STATE_TOO_LARGE = "InstanceStateTooLarge";
  private static final Duration DEFAULT_EVENT_TIMEOUT = Duration.ofHours(24);
  private static final Pattern EVENT_TYPE = Pattern.compile("^[a-zA-Z0-9_][a-zA-Z0-9-_]{0,99}$");

  /** A rollback handler registered by a step that started, in step-start order. */
  record Handler(StepRecord step, Rollback rollback, StepConfig config) {}

  private final RunContext run;
  private final boolean collectOnly;
  private final Map<StepRef, StepRecord> recorded = new HashMap<>();
  private final Map<StepRef, Integer> counters = new HashMap<>();
  private final List<Handler> handlers = new ArrayList<>();
  private final StepFailures failures;
  private final int stepLimit;
  private final AttemptRunner attempts;
  private FailurePolicy failurePolicy;
  private int nextStepSeq;
  private int doSteps;
  private volatile long stateBytes;

  DurableStep(RunContext run, List<StepRecord> steps, int stepLimit, boolean collectOnly) {
    this.run = run;
    this.failures = new StepFailures(run.instance.ref());
    this.collectOnly = collectOnly;
    this.stepLimit = stepLimit;
    this.attempts = new AttemptRunner(run, StepKind.DO);
    this.stateBytes = Limits.utf8Length(run.instance.paramsJson());
    for (StepRecord row : steps) {
      remember(row);
      nextStepSeq = Math.max(nextStepSeq, row.stepSeq() + 1);
      doSteps += row.kind() == StepKind.DO ? 1 : 0;
    }
  }

  /** What a step record adds to the instance's persisted state. */
  private static long stateBytes(StepRecord row) {
    return row == null
        ? 0
        : Limits.utf8Length(row.outputJson())
            + Limits.utf8Length(row.errorMessage())
            + Limits.utf8Length(row.attemptsJson());
  }

  /** Records {@code row} as the step's latest state, and counts its size in place of the last. */
  private synchronized void remember(StepRecord row) {
    stateBytes += stateBytes(row) - stateBytes(recorded.put(row.ref(), row));
  }

  /**
   * The finished step's output for the workflow code. Each call has its own count, so a step's
   * record is never read again in this run: it lets go of the output, and the run holds each result
   * once (in the workflow's hands) rather than twice.
   */
  private synchronized JsonNode handOver(StepRef step, StepRecord row) {
    recorded.put(step, row.withOutputJson(null));
    return StepJson.read(row.outputJson());
  }

  List<Handler> handlers() {
    return handlers;
  }

  /** The step failure behind {@code error}, when this run threw it into the workflow code. */
  Optional<StepFailures.Failure> failureBehind(Throwable error) {
    return failures.behind(error);
  }

  /** The next step of this kind and name: its identity, with its 1-based count in this run. */
  private StepRef next(StepKind kind, String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      throw new NonRetryableException(
          "Step names must be 1 to "
              + MAX_NAME_LENGTH
              + " characters (got "
              + (name == null ? "null" : name.length() + " characters")
              + ").");
    }
    return new StepRef(kind, name, counters.merge(new StepRef(kind, name, 0), 1, Integer::sum));
  }

  @Override
  public JsonNode run(
      String name, StepConfig config, StepFunction fn, Rollback rollback, StepConfig rbConfig) {
    return switch (prepare(name, config, fn, rollback, rbConfig)) {
      case Prepared.Done done -> done.value();
      case Prepared.ToRun toRun -> settle(toRun);
    };
  }

  @Override
  public List<JsonNode> all(List<Branch> branches) {
    return new FanOut(this, run).all(branches);
  }

  /** What a do step is before its attempts: finished already (replayed), or to run. */
  sealed interface Prepared {
    record Done(JsonNode value) implements Prepared {}

    record ToRun(StepRecord row, StepConfig config, StepFunction fn) implements Prepared {}
  }

  /**
   * The do step's identity, its replayed result (or failure, thrown), or its record started now:
   * everything but its attempts, on the run's own thread (a fan-out prepares its branches in the
   * order given, so counts and start order are the same on every replay).
   */
  Prepared prepare(
      String name, StepConfig config, StepFunction fn, Rollback rollback, StepConfig rbConfig) {
    StepRef step = next(StepKind.DO, name);
    StepRecord row = recorded.get(step);
    if (row != null && rollback != null) {
      handlers.add(new Handler(row, rollback, rbConfig == null ? StepConfig.DEFAULT : rbConfig));
    }
    if (row != null && row.status() == StepStatus.COMPLETE) {
      return new Prepared.Done(handOver(step, row));
    }
    if (row != null && row.status() == StepStatus.ERRORED) {
      throw failures.replayed(new StepFailedException(row.errorName(), row.errorMessage()), row);
    }
    if (collectOnly) {
      if (row == null) {
        throw new Unwind(Unwind.Reason.COLLECTED);
      }
      return new Prepared.Done(NullNode.getInstance());
    }
    if (row == null) {
      row = start(step, config, rollback != null);
      if (rollback != null) {
        handlers.add(new Handler(row, rollback, rbConfig == null ? StepConfig.DEFAULT : rbConfig));
      }
    } else {
      run.checkBoundary();
    }
    return new Prepared.ToRun(row, config, fn);
  }

  /**
   * The same prepared step at its latest recorded state: a fan-out branch that stopped (to wait for
   * its retry, or for a pause that was withdrawn) and runs again in the same run goes on from its
   * recorded attempts, not from the row it was prepared with.
   */
  synchronized Prepared.ToRun latest(Prepared.ToRun step) {
    StepRecord row = recorded.get(step.row().ref());
    return row == null ? step : new Prepared.ToRun(row, step.config(), step.fn());
  }

  /** Runs the attempts of a prepared step until it succeeds or fails for good. */
  JsonNode settle(Prepared.ToRun step) {
    try (var field = LogFields.step(step.row().displayName())) {
      return attemptsUntilSettled(step.row(), step.config(), step.fn());
    }
  }

  private StepRecord start(StepRef step, StepConfig config, boolean hasRollback) {
    if (doSteps >= stepLimit) {
      throw new NonRetryableException(
          "The instance reached its limit of "
              + stepLimit
              + " steps (limits.steps of the workflow).");
    }
    StepRecord row =
        StepRecord.running(
            nextStepSeq++,
            StepKind.DO,
            step.name(),
            step.count(),
            run.now(),
            StepJson.config(config),
            hasRollback);
    run.startAtBoundary(row);
    remember(row);
    doSteps++;
    return row;
  }

  private JsonNode attemptsUntilSettled(StepRecord row, StepConfig config, StepFunction fn) {
    ArrayNode tried = StepJson.attempts(row.attemptsJson());
    while (true) {
      if (row.wakeAt() != null && row.wakeAt().isAfter(run.now())) {
        if (FanOut.inBranch()) {
          throw BranchStop.waitsUntil(row.wakeAt());
        }
        throw run.suspend(row.wakeAt(), null);
      }
      int attempt = StepJson.attemptCount(tried) + 1;
      // in flight until its outcome is recorded: a pause that settled in between, from the thread
      // that asked for it, would fence that record, and the attempt would run again on resume
      run.attemptInFlight(true);
      try {
        Instant start = run.now();
        AttemptRunner.Outcome outcome =
            attempts.attempt(
                fn, new StepContext(row.name(), row.count(), attempt), config.timeout());
        if (outcome.succeeded()) {
          return succeed(row, tried, start, outcome.value());
        }
        row = recordFailure(row, tried, start, attempt, config, outcome);
      } finally {
        run.attemptInFlight(false);
      }
    }
  }

  /**
   * Records a failed attempt: the next one's time (the row returned), or the step's failure for
   * good or the instance's pause on it (thrown).
   */
  private StepRecord recordFailure(
      StepRecord row,
      ArrayNode tried,
      Instant start,
      int attempt,
      StepConfig config,
      AttemptRunner.Outcome outcome) {
    StepJson.addAttempt(tried, start, run.now(), outcome.errorName(), outcome.errorMessage());
    int retry = retryOfBudget(attempt, config);
    boolean retriesLeft = !outcome.nonRetryable() && retry <= config.retryLimit();
    String stack = StackTraces.text(outcome.error());
    if (!retriesLeft && !outcome.nonRetryable() && pausesOnFailure()) {
      failures.attemptFailed(row, attempt, outcome, "no retries left; the instance pauses");
      StepRecord exhausted =
          row.retryingAt(
                  run.now(), StepJson.text(tried), outcome.errorName(), outcome.errorMessage())
              .withErrorStack(stack);
      if (FanOut.inBranch()) {
        checkpoint(exhausted);
        throw BranchStop.exhausted(exhausted, outcome.errorName(), outcome.errorMessage());
      }
      throw run.pauseAtStep(exhausted, outcome.errorName(), outcome.errorMessage());
    }
    if (!retriesLeft) {
      failures.attemptFailed(row, attempt, outcome, "no retries left");
      StepRecord failed =
          row.failed(run.now(), outcome.errorName(), outcome.errorMessage(), StepJson.text(tried))
              .withErrorStack(stack);
      checkpoint(failed);
      throw failures.thrown(
          new StepFailedException(outcome.errorName(), outcome.errorMessage()),
          failed,
          attempt,
          outcome.error());
    }
    Duration delay = config.delayBeforeRetry(retry);
    run.metrics.stepRetry(StepKind.DO);
    failures.attemptFailed(row, attempt, outcome, "the next attempt follows in " + delay);
    StepRecord retrying =
        row.retryingAt(
                run.now().plus(delay),
                StepJson.text(tried),
                outcome.errorName(),
                outcome.errorMessage())
            .withErrorStack(stack);
    checkpoint(retrying);
    return retrying;
  }

  /**
   * Which try of its retry budget {@code attempt} is (1: the first attempt, n: the (n-1)-th retry).
   * A budget is the first attempt and {@code retryLimit} retries. Only a pause on failure lets a
   * step go past one (each resume gives a fresh budget), so attempt numbers keep counting across
   * budgets while the step's log has all of them; under on_failure error this is the attempt
   * number.
   */
  static int retryOfBudget(int attempt, StepConfig config) {
    long budget = (long) config.retryLimit() + 1;
    return (int) ((attempt - 1) % budget + 1);
  }

  /** The instance pauses when a step runs out of retries (read once, when one first does). */
  private boolean pausesOnFailure() {
    if (failurePolicy == null) {
      failurePolicy = run.store.failurePolicy(run.lease.instanceSeq());
    }
    return failurePolicy == FailurePolicy.PAUSE;
  }

  private JsonNode succeed(StepRecord row, ArrayNode tried, Instant start, Object value) {
    StepJson.Written result;
    try {
      result = StepJson.writeAtMost(value, Limits.MAX_PAYLOAD_BYTES);
    } catch (StepJson.TooLarge e) {
      return failForGood(
          row,
          tried,
          start,
          "StepResultTooLarge",
          "The step result is over the limit of " + Limits.MAX_PAYLOAD_BYTES + " bytes of JSON.");
    } catch (NonRetryableException e) {
      return failForGood(row, tried, start, "NonRetryableError", e.getMessage());
    }
    if (stateBytes + result.bytes() > run.maxStateBytes) {
      return failForGood(
          row,
          tried,
          start,
          STATE_TOO_LARGE,
          stateLimitMessage("Step '" + row.displayName() + "' returned", result.bytes()));
    }
    StepJson.addAttempt(tried, start, run.now(), null, null);
    StepRecord done = row.completed(run.now(), result.json(), StepJson.text(tried));
    if (FanOut.inBranch()) {
      // a branch's next write may be long in coming (the other branches' steps): recorded now
      checkpoint(done);
    } else {
      // recorded by the run's next write, which comes before anything after this step runs
      // (RunStore#recordWithNextWrite): one commit less per step
      synchronized (this) {
        run.store.recordWithNextWrite(done);
        remember(done);
      }
      run.pauseIfRequested();
    }
    return handOver(done.ref(), done);
  }

  /**
   * The workflow's output as JSON text for the instance's record. Over 1 MiB (a step result's
   * limit), or past the state limit, it fails the instance (a {@link StepFailedException} carries
   * the error's name); writing stops at the limit, so a huge output costs no more than that.
   */
  String workflowOutput(Object output) {
    StepJson.Written written;
    try {
      written = StepJson.writeAtMost(output, Limits.MAX_PAYLOAD_BYTES);
    } catch (StepJson.TooLarge e) {
      throw new StepFailedException(
          "WorkflowOutputTooLarge",
          "The workflow's output is over the limit of "
              + Limits.MAX_PAYLOAD_BYTES
              + " bytes of JSON.");
    }
    if (stateBytes + written.bytes() > run.maxStateBytes) {
      throw new StepFailedException(
          STATE_TOO_LARGE, stateLimitMessage("The workflow's output of", written.bytes()));
    }
    return written.json();
  }

  private String stateLimitMessage(String what, long bytes) {
    return what
        + " "
        + bytes
        + " bytes, which would bring instance '"
        + run.instance.ref().instanceId()
        + "' to "
        + (stateBytes + bytes)
        + " bytes of persisted state; the limit is "
        + run.maxStateBytes
        + " bytes (--max-instance-state-bytes).";
  }

  private JsonNode failForGood(
      StepRecord row, ArrayNode tried, Instant start, String name, String message) {
    StepJson.addAttempt(tried, start, run.now(), name, message);
    StepRecord failed = row.failed(run.now(), name, message, StepJson.text(tried));
    failures.stepFailed(row, name, message);
    checkpoint(failed);
    throw failures.thrown(
        new StepFailedException(name, message), failed, StepJson.attemptCount(tried), null);
  }

  /**
   * Records the step; then a pause that was requested while it ran takes effect. Not in a branch of
   * a fan-out whose step just finished: the branch has nothing left to stop (stopped, it would run
   * its finished step again once the pause was withdrawn), and the run settles the pause after the
   * fan-out, at its next step boundary.
   */
  private void checkpoint(StepRecord row) {
    synchronized (this) {
      // branches of a fan-out checkpoint from their own threads
      fenced(run.store.updateStep(run.lease, row));
      remember(row);
    }
    if (FanOut.inBranch() && row.status().isFinished()) {
      return;
    }
    run.pauseIfRequested();
  }

  private static void fenced(boolean written) {
    if (!written) {
      throw new Unwind(Unwind.Reason.FENCED);
    }
  }

  @Override
  public void sleep(String name, Duration duration) {
    sleepUntil(name, run.now().plus(duration), false);
  }

  @Override
  public void sleepUntil(String name, Instant until) {
    sleepUntil(name, until, true);
  }

  private void sleepUntil(String name, Instant until, boolean absolute) {
    StepRef step = next(StepKind.SLEEP, name);
    StepRecord row = recorded.get(step);
    if (row != null && row.status() == StepStatus.COMPLETE) {
      return;
    }
    if (collectOnly) {
      throw new Unwind(Unwind.Reason.COLLECTED);
    }
    if (row == null) {
      row =
          StepRecord.waiting(
              nextStepSeq++, StepKind.SLEEP, name, step.count(), run.now(), until, absolute, null);
      run.startAtBoundary(row);
      remember(row);
    } else {
      run.checkBoundaryBeforeNextWrite();
    }
    if (row.wakeAt().isAfter(run.now())) {
      throw run.suspend(row.wakeAt(), null);
    }
    StepRecord done = row.completed(run.now(), null, null);
    run.store.recordWithNextWrite(done);
    remember(done);
    run.pauseIfRequested();
  }

  @Override
  public JsonNode waitForEvent(String name, String type) {
    return waitForEvent(name, type, DEFAULT_EVENT_TIMEOUT);
  }

  @Override
  public JsonNode waitForEvent(String name, String type, Duration timeout) {
    if (type == null || !EVENT_TYPE.matcher(type).matches()) {
      throw new NonRetryableException("Event types are 1 to 100 letters, digits, '-' and '_'.");
    }
    StepRef step = next(StepKind.WAIT_FOR_EVENT, name);
    StepRecord row = recorded.get(step);
    if (row != null && row.status() == StepStatus.COMPLETE) {
      return handOver(step, row);
    }
    if (row != null && row.status() == StepStatus.ERRORED) {
      throw failures.thrown(new WaitTimeoutException(row.errorMessage()), row, 1, null);
    }
    if (collectOnly) {
      throw new Unwind(Unwind.Reason.COLLECTED);
    }
    if (row == null) {
      row =
          StepRecord.waiting(
              nextStepSeq++,
              StepKind.WAIT_FOR_EVENT,
              name,
              step.count(),
              run.now(),
              run.now().plus(timeout),
              false,
              type);
      run.startAtBoundary(row);
      remember(row);
    } else {
      run.checkBoundary();
    }
    var consumed = run.store.consumeEvent(run.lease, row, run.now());
    if (consumed.isPresent()) {
      // an event counts once consumed; it was accepted, so the wait takes it even past the limit
      remember(consumed.get());
      return handOver(step, consumed.get());
    }
    if (!row.wakeAt().isAfter(run.now())) {
      String message = "Execution timed out after " + timeout.toMillis() + "ms";
      StepRecord timedOut = row.failed(run.now(), "WaitTimeoutError", message, null);
      checkpoint(timedOut);
      throw failures.thrown(new WaitTimeoutException(message), timedOut, 1, null);
    }
    throw run.suspend(row.wakeAt(), type);
  }
}
