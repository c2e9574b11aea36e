package dev.stepflow.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

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

  /**
   * Runs {@code branches} (each a step) concurrently and returns their results in the order given,
   * like {@code Promise.all} over {@code step.do}. Every branch is checkpointed on its own; on
   * replay the finished ones return their recorded results and only the others run. When a branch
   * fails for good, the others still settle, then the first failure in the order given is thrown. A
   * pause waits until every branch attempt in flight has settled and starts no new one; a terminate
   * interrupts every branch. This default runs the branches one after another (for implementations
   * without threads); the engine's runs them at once, on virtual threads.
   */
  default List<JsonNode> all(List<Branch> branches) {
    return branches.stream()
        .map(b -> run(b.name(), b.config(), b.fn(), b.rollback(), b.rollbackConfig()))
        .toList();
  }

  /** {@link #all(List)} of the branches given. */
  default List<JsonNode> all(Branch... branches) {
    return all(Arrays.asList(branches));
  }

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
