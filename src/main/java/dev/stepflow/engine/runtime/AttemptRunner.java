package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Limits;
import dev.stepflow.domain.StepKind;
import dev.stepflow.workflow.NonRetryableException;
import dev.stepflow.workflow.StepContext;
import dev.stepflow.workflow.StepFunction;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one attempt of a step function on its own virtual thread, so that the attempt can be timed
 * out and so that a terminate, which interrupts the run's thread, abandons the attempt at once; its
 * result is then never recorded.
 */
final class AttemptRunner {
  /**
   * How an attempt ended: a value, or an error by name and message (cut to the length recorded, so
   * the workflow code sees the message its step records), with what the step function threw (null
   * when it threw nothing: the attempt timed out).
   */
  record Outcome(
      boolean succeeded,
      Object value,
      String errorName,
      String errorMessage,
      boolean nonRetryable,
      Throwable error) {
    Outcome {
      errorMessage = Limits.cutErrorMessage(errorMessage);
    }

    static Outcome success(Object value) {
      return new Outcome(true, value, null, null, false, null);
    }

    static Outcome failure(Throwable error) {
      String message = error.getMessage() == null ? error.toString() : error.getMessage();
      boolean nonRetryable = error instanceof NonRetryableException;
      String name = nonRetryable ? "NonRetryableError" : error.getClass().getSimpleName();
      return new Outcome(false, null, name, message, nonRetryable, error);
    }
  }

  private final RunContext run;
  private final StepKind kind;

  AttemptRunner(RunContext run, StepKind kind) {
    this.run = run;
    this.kind = kind;
  }

  /**
   * As {@link #run}, counted once per attempt that ended (an abandoned one, the run aborted, is
   * not).
   */
  Outcome attempt(StepFunction fn, StepContext context, Duration timeout) {
    long start = System.nanoTime();
    Outcome outcome = run(fn, context, timeout);
    run.metrics.stepAttempt(kind, outcome.succeeded(), System.nanoTime() - start);
    return outcome;
  }

  private Outcome run(StepFunction fn, StepContext context, Duration timeout) {
    // the attempt's own thread logs with the run's fields too (the workflow code's own lines)
    FutureTask<Object> task = new FutureTask<>(LogFields.carried(() -> fn.call(context)));
    run.attemptInFlight(true);
    if (run.pauseRequested()) {
      // a pause that raced with the start of this attempt wins: no new attempt starts once it is
      // asked (unless a resume withdrew it meanwhile, and settlePause returns)
      run.attemptInFlight(false);
      run.pauseIfRequested();
      run.attemptInFlight(true);
    }
    try {
      Thread.ofVirtual().name("step-" + context.name()).start(task);
      return Outcome.success(task.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      return Outcome.failure(e.getCause());
    } catch (TimeoutException e) {
      task.cancel(true);
      return new Outcome(
          false,
          null,
          "TimeoutError",
          "The attempt took longer than its timeout of " + timeout.toMillis() + "ms.",
          false,
          null);
    } catch (InterruptedException | CancellationException e) {
      task.cancel(true);
      throw new Unwind(Unwind.Reason.ABORTED);
    } finally {
      run.attemptInFlight(false);
    }
  }
}
