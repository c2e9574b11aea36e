package dev.stepflow.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/**
 * The durable operations available to workflow code. Each is identified by (kind, name, count): the
 * count-th use of that name for that kind in a run. Java spells Cloudflare's {@code step.do} as
 * {@link #run}, since {@code do} is a keyword.
 */
public interface Step {

  /**
   * Runs {@code fn} with the default config and records its result, or returns the recorded one.
   */
  default JsonNode run(String name, StepFunction fn) {
    return run(name, StepConfig.DEFAULT, fn);
  }

  /** Runs {@code fn} with {@code config}, without a rollback handler. */
  default JsonNode run(String name, StepConfig config, StepFunction fn) {
    return run(name, config, fn, null, null);
  }

  /**
   * Also registers {@code rollback}, which runs (with {@code rollbackConfig}) if the instance fails
   * or is terminated with rollback after this step started.
   */
  JsonNode run(
      String name,
      StepConfig config,
      StepFunction fn,
      Rollback rollback,
      StepConfig rollbackConfig);

  /** Sleeps without holding a thread; time spent paused does not count. */
  void sleep(String name, Duration duration);

  /** Sleeps until an absolute time, which a pause does not move. */
  void sleepUntil(String name, Instant until);

  /**
   * Returns the next event of {@code type} sent to the instance, as {@code {type, payload,
   * timestamp}}, waiting without holding a thread for at most 24 hours.
   *
   * @throws WaitTimeoutException when none arrives in time
   */
  JsonNode waitForEvent(String name, String type);

  JsonNode waitForEvent(String name, String type, Duration timeout);
}
