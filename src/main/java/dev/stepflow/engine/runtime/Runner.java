package dev.stepflow.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.RollbackCause;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.RunUpdate;
import dev.stepflow.workflow.StepFailedException;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one instance on its own virtual thread: replays the workflow from the top, and ends it
 * as complete, errored (after running its rollback handlers), suspended, or paused. In compensation
 * mode it only rebuilds the handlers by replay and runs them (terminate with rollback, or recovery
 * of an interrupted rollback).
 */
final class Runner implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Runner.class);
  static final String TERMINATED_ERROR = "Terminated: Instance terminated during rollback";
  private static final int FINISH_TRIES = 3;

  enum Mode {
    EXECUTE,
    COMPENSATE
  }

  private final RunContext run;
  private final Optional<Workflow> workflow;
  private final String className;
  private final int stepLimit;
  private final Mode mode;
  private final RollbackCause rollbackCause;
  private final boolean mayHaveSteps;
  private final Optional<List<StepRecord>> recorded;
  private final Runnable onFinish;

  /**
   * The run of {@code claimed}, with what its claim read (class, step limit, rollback cause), and
   * the instance's {@code recorded} steps where they were read with the claim's batch (else the run
   * reads them).
   */
  Runner(
      RunContext run,
      Optional<Workflow> workflow,
      Candidate claimed,
      Optional<List<StepRecord>> recorded,
      Mode mode,
      Runnable onFinish) {
    this.run = run;
    this.workflow = workflow;
    this.className = claimed.className();
    this.stepLimit = claimed.stepLimit();
    this.mode = mode;
    this.rollbackCause = claimed.rollbackCause();
    this.mayHaveSteps = claimed.mayHaveSteps();
    this.recorded = recorded;
    this.onFinish = onFinish;
  }

  @Override
  public void run() {
    // this run's virtual thread logs with the instance's fields (removed in the finally below)
    LogFields.putRun(run.instance.ref(), run.lease.runId());
    try {
      if (workflow.isEmpty()) {
        // claims take only instances of registered classes; should one slip through, the instance
        // is left as it is: its lease lapses and a node that has the class takes it over
        log.error(
            "No workflow class '{}' is registered for {}; leaving it to a node that has it",
            className,
            run.instance.ref());
        return;
      }
      switch (mode) {
        case EXECUTE -> execute();
        case COMPENSATE -> compensateOnly();
      }
    } catch (Unwind unwound) {
      log.debug("Run of {} unwound: {}", run.instance.ref(), unwound.reason());
    } catch (RuntimeException e) {
      log.error(
          "The engine failed while running {}; it is taken over once its lease ends",
          run.instance.ref(),
          e);
    } finally {
      try {
        onFinish.run();
      } finally {
        LogFields.clearRun();
      }
    }
  }

  private WorkflowEvent event() {
    Instance i = run.instance;
    JsonNode params = i.paramsJson() == null ? null : StepJson.read(i.paramsJson());
    return new WorkflowEvent(params, i.ref().instanceId(), i.createdOn());
  }

  private void execute() {
    Workflow code = workflow.orElseThrow();
    long seq = run.lease.instanceSeq();
    List<StepRecord> steps =
        recorded.orElseGet(() -> mayHaveSteps ? run.store.steps(seq) : List.of());
    DurableStep step = new DurableStep(run, steps, stepLimit, false);
    Object output;
    try {
      output = code.run(event(), step);
    } catch (Unwind unwound) {
      throw unwound;
    } catch (Throwable failure) {
      if (run.aborted()) {
        throw new Unwind(Unwind.Reason.ABORTED);
      }
      fail(step, failure);
      return;
    }
    String json;
    try {
      json = step.workflowOutput(output);
    } catch (RuntimeException notJson) {
      fail(step, notJson);
      return;
    }
    finish(Status.RUNNING, EngineEvent.RUN_SUCCEEDED, RunUpdate.succeeded(json));
  }

  private void fail(DurableStep step, Throwable failure) {
    String name =
        failure instanceof StepFailedException f
            ? f.errorName()
            : failure.getClass().getSimpleName();
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    boolean compensate = !step.handlers().isEmpty();
    EngineEvent failed =
        compensate ? EngineEvent.RUN_FAILED_WITH_COMPENSATIONS : EngineEvent.RUN_FAILED;
    if (!finish(Status.RUNNING, failed, RunUpdate.failed(name, message))) {
      return;
    }
    logFailure(step, failure, name, message, compensate);
    if (!compensate) {
      return;
    }
    Compensation.Result result =
        new Compensation(run)
            .run(run.store.steps(run.lease.instanceSeq()), step.handlers(), name + ": " + message);
    finishRollback(EngineEvent.FAILURE_COMPENSATED, result);
  }

  private void compensateOnly() {
    DurableStep collector =
        new DurableStep(run, run.store.steps(run.lease.instanceSeq()), Integer.MAX_VALUE, true);
    replayForHandlers(workflow.orElseThrow(), collector);
    Compensation.Result result =
        new Compensation(run)
            .run(
                run.store.steps(run.lease.instanceSeq()),
                collector.handlers(),
                triggerError(rollbackCause));
    finishRollback(rollbackCause.compensated(), result);
  }

  /** What the handlers are told made the instance roll back. */
  private String triggerError(RollbackCause cause) {
    return switch (cause) {
      case TERMINATION -> TERMINATED_ERROR;
      case FAILURE -> run.instance.errorName() + ": " + run.instance.errorMessage();
    };
  }

  /** Replays the code to register handlers; whatever the replay throws ends it, nothing runs. */
  private void replayForHandlers(Workflow workflow, DurableStep collector) {
    try {
      workflow.run(event(), collector);
    } catch (Unwind unwound) {
      if (unwound.reason() != Unwind.Reason.COLLECTED) {
        throw unwound;
      }
    } catch (Throwable ignored) {
      // a recorded failure re-thrown during the replay; the handlers seen so far are what counts
    }
  }

  /**
   * One ERROR line per failed instance: what failed, in which step and attempt when a step's
   * failure ended the run, and the stack trace of the cause (the step's, kept with the step record,
   * when the failure was replayed from it).
   */
  private void logFailure(
      DurableStep step, Throwable failure, String name, String message, boolean compensate) {
    String then = compensate ? "its rollback handlers run" : "it is errored";
    Optional<StepFailures.Failure> behind = step.failureBehind(failure);
    if (behind.isEmpty()) {
      log.error(
          "The {} failed: {}: {} (thrown by the workflow code); {}",
          run.instance.ref(),
          name,
          message,
          then,
          failure);
      return;
    }
    StepFailures.Failure f = behind.get();
    if (failure.getCause() != null || f.stack() == null) {
      log.error(
          "The {} failed: step '{}' failed for good at attempt {}: {}: {}; {}",
          run.instance.ref(),
          f.step(),
          f.attempt(),
          name,
          message,
          then,
          failure.getCause() == null ? null : failure.getCause());
      return;
    }
    log.error(
        "The {} failed: step '{}' failed for good at attempt {}: {}: {}; {}\n{}",
        run.instance.ref(),
        f.step(),
        f.attempt(),
        name,
        message,
        then,
        f.stack());
  }

  private void finishRollback(EngineEvent event, Compensation.Result result) {
    switch (result.outcome()) {
      case COMPLETE -> log.info("Rollback of {} complete: every handler ran", run.instance.ref());
      case FAILED ->
          log.warn(
              "Rollback of {} failed and halted: {}: {}",
              run.instance.ref(),
              result.errorName(),
              result.errorMessage());
    }
    if (finish(
        Status.ROLLING_BACK,
        event,
        RunUpdate.none()
            .withRollback(result.outcome(), result.errorName(), result.errorMessage()))) {
      run.metrics.rollback(result.outcome());
    }
  }

  /**
   * Applies the run's final status change. When it no longer applies because a pause arrived as the
   * run ended, the pause takes effect instead; the finished steps replay instantly on resume.
   */
  private boolean finish(Status from, EngineEvent event, RunUpdate update) {
    for (int tries = 0; tries < FINISH_TRIES; tries++) {
      if (run.move(from, event, update)) {
        return true;
      }
      run.refreshFromStore();
      if (!run.pauseRequested()) {
        return false;
      }
      run.settlePause(); // returns only when a resume withdrew the pause: finish again
    }
    return false;
  }
}
