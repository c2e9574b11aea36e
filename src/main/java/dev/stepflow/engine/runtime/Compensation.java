package dev.stepflow.engine.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepStatus;
import dev.stepflow.workflow.RollbackContext;
import dev.stepflow.workflow.StepConfig;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs rollback handlers in reverse step-start order, each with its own retries, recording one
 * rollback row per handler. The first handler that still fails after its retries halts the chain.
 */
final class Compensation {
  /** How the rollback ended: outcome complete or failed, with the failing handler's error. */
  record Result(RollbackOutcome outcome, String errorName, String errorMessage) {}

  private final RunContext run;
  private final AttemptRunner attempts;

  Compensation(RunContext run) {
    this.run = run;
    this.attempts = new AttemptRunner(run, StepKind.ROLLBACK);
  }

  /**
   * Compensates every started step that registered a handler and whose handler has not finished.
   * {@code recorded} are the run's rows; a step whose handler replay did not reach fails as
   * RollbackMissing. A rollback row that is still running was left by a process that died while the
   * handler ran: the handler runs again on that row (at-least-once, like a step attempt). An
   * errored rollback row means the chain already halted there, so nothing more runs.
   */
  Result run(List<StepRecord> recorded, List<DurableStep.Handler> handlers, String triggerError) {
    Map<Integer, DurableStep.Handler> byStep =
        handlers.stream()
            .collect(Collectors.toMap(h -> h.step().stepSeq(), Function.identity(), (a, b) -> a));
    Map<String, StepRecord> rollbackRows =
        recorded.stream()
            .filter(r -> r.kind() == StepKind.ROLLBACK)
            .collect(Collectors.toMap(StepRecord::displayName, Function.identity(), (a, b) -> a));
    Optional<StepRecord> halted =
        rollbackRows.values().stream().filter(r -> r.status() == StepStatus.ERRORED).findFirst();
    if (halted.isPresent()) {
      return new Result(
          RollbackOutcome.FAILED, halted.get().errorName(), halted.get().errorMessage());
    }
    int nextSeq = recorded.stream().mapToInt(StepRecord::stepSeq).max().orElse(-1) + 1;
    List<StepRecord> eligible =
        recorded.stream()
            .filter(r -> r.kind() == StepKind.DO && r.hasRollback())
            .filter(r -> !isComplete(rollbackRows.get(r.displayName())))
            .sorted(Comparator.comparingInt(StepRecord::stepSeq).reversed())
            .toList();
    for (StepRecord step : eligible) {
      StepRecord interrupted = rollbackRows.get(step.displayName());
      StepRecord row = interrupted != null ? interrupted : insertRow(step, byStep, nextSeq++);
      Result failed;
      try (var field = LogFields.step(row.displayName())) {
        failed = compensate(step, byStep.get(step.stepSeq()), row, triggerError);
      }
      if (failed != null) {
        return failed;
      }
    }
    return new Result(RollbackOutcome.COMPLETE, null, null);
  }

  private static boolean isComplete(StepRecord rollbackRow) {
    return rollbackRow != null && rollbackRow.status() == StepStatus.COMPLETE;
  }

  /** Records that the handler of {@code step} starts, as a new running rollback row. */
  private StepRecord insertRow(StepRecord step, Map<Integer, DurableStep.Handler> byStep, int seq) {
    DurableStep.Handler handler = byStep.get(step.stepSeq());
    StepConfig config = handler == null ? StepConfig.DEFAULT : handler.config();
    StepRecord row =
        StepRecord.running(
            seq,
            StepKind.ROLLBACK,
            step.name(),
            step.count(),
            run.now(),
            StepJson.config(config),
            false);
    fenced(run.store.insertStep(run.lease, row));
    return row;
  }

  /**
   * Runs one handler with its retries, recording on {@code row}; returns null when it succeeded.
   */
  private Result compensate(
      StepRecord step, DurableStep.Handler handler, StepRecord row, String trigger) {
    StepConfig config = handler == null ? StepConfig.DEFAULT : handler.config();
    ArrayNode tried = StepJson.attempts(StepRecord.NO_ATTEMPTS);
    if (handler == null) {
      return fail(
          row,
          tried,
          run.now(),
          "RollbackMissing",
          "The rollback handler of step '"
              + step.displayName()
              + "' was not registered on replay.");
    }
    for (int attempt = 1; ; attempt++) {
      Instant start = run.now();
      RollbackContext context =
          new RollbackContext(
              step.name(),
              step.count(),
              step.outputJson() == null ? null : StepJson.read(step.outputJson()),
              trigger,
              attempt);
      AttemptRunner.Outcome outcome =
          attempts.attempt(
              ctx -> {
                handler.rollback().compensate(context);
                return null;
              },
              new dev.stepflow.workflow.StepContext(step.name(), step.count(), attempt),
              config.timeout());
      if (outcome.succeeded()) {
        StepJson.addAttempt(tried, start, run.now(), null, null);
        fenced(
            run.store.updateStep(run.lease, row.completed(run.now(), null, StepJson.text(tried))));
        return null;
      }
      if (outcome.nonRetryable() || attempt > config.retryLimit()) {
        return fail(row, tried, start, outcome.errorName(), outcome.errorMessage());
      }
      StepJson.addAttempt(tried, start, run.now(), outcome.errorName(), outcome.errorMessage());
      run.metrics.stepRetry(StepKind.ROLLBACK);
      sleepBeforeRetry(config, attempt);
    }
  }

  private Result fail(StepRecord row, ArrayNode tried, Instant start, String name, String message) {
    StepJson.addAttempt(tried, start, run.now(), name, message);
    fenced(
        run.store.updateStep(
            run.lease, row.failed(run.now(), name, message, StepJson.text(tried))));
    return new Result(RollbackOutcome.FAILED, name, message);
  }

  /**
   * Rollback retries wait in place: a rolling-back instance refuses pause, so nothing else waits.
   */
  private void sleepBeforeRetry(StepConfig config, int attempt) {
    try {
      Thread.sleep(config.delayBeforeRetry(attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unwind(Unwind.Reason.ABORTED);
    }
  }

  private static void fenced(boolean written) {
    if (!written) {
      throw new Unwind(Unwind.Reason.FENCED);
    }
  }
}
