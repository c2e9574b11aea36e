package dev.stepflow.engine.runtime;

import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.workflow.StepFailedException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step failures of one run: one WARN line per failed attempt (its stack trace at DEBUG; the
 * step record keeps it), and where each failure thrown into the workflow code comes from, so that
 * the run's ERROR line can name the step, the attempt and the cause.
 */
final class StepFailures {
  private static final Logger log = LoggerFactory.getLogger(DurableStep.class);

  /** Where a step failure thrown into the workflow code comes from: step, attempt, stack trace. */
  record Failure(String step, int attempt, String stack) {}

  private final InstanceRef instance;
  private final Map<Throwable, Failure> thrown = new IdentityHashMap<>();

  StepFailures(InstanceRef instance) {
    this.instance = instance;
  }

  /** The step failure behind {@code error}, when this run threw it into the workflow code. */
  synchronized Optional<Failure> behind(Throwable error) {
    return Optional.ofNullable(thrown.get(error));
  }

  /** Remembers where {@code failure} comes from (recorded in {@code row}) and returns it. */
  synchronized <E extends StepFailedException> E thrown(
      E failure, StepRecord row, int attempt, Throwable cause) {
    if (cause != null) {
      failure.initCause(cause);
    }
    thrown.put(failure, new Failure(row.displayName(), attempt, row.errorStack()));
    return failure;
  }

  /** As {@link #thrown}, for a failure replayed from its record. */
  synchronized <E extends StepFailedException> E replayed(E failure, StepRecord row) {
    return thrown(failure, row, StepJson.attemptCount(StepJson.attempts(row.attemptsJson())), null);
  }

  void attemptFailed(StepRecord row, int attempt, AttemptRunner.Outcome outcome, String then) {
    log.warn(
        "Step '{}' of {} failed attempt {}: {}: {}; {}",
        row.displayName(),
        instance,
        attempt,
        outcome.errorName(),
        outcome.errorMessage(),
        then);
    if (outcome.error() != null) {
      log.debug("Attempt {} of step '{}' threw", attempt, row.displayName(), outcome.error());
    }
  }

  void stepFailed(StepRecord row, String name, String message) {
    log.warn("Step '{}' of {} failed: {}: {}", row.displayName(), instance, name, message);
  }
}
