package dev.stepflow.domain;

import java.util.List;

/**
 * What a PUT workflow asks for; validated before it reaches the store. {@code concurrencyLimit}
 * caps the instances of this version running at once (null: only the engine's own limit). {@code
 * onFailure} is what a step that fails after its last retry does to the version's instances, and
 * {@code schedules} are its cron expressions (UTC, 5 fields), each creating an instance per tick.
 */
public record WorkflowDefinition(
    String className,
    String scriptName,
    int stepLimit,
    Retention defaultRetention,
    Integer concurrencyLimit,
    FailurePolicy onFailure,
    List<String> schedules) {

  public WorkflowDefinition {
    onFailure = onFailure == null ? FailurePolicy.DEFAULT : onFailure;
    schedules = schedules == null ? List.of() : List.copyOf(schedules);
  }

  public WorkflowDefinition(
      String className,
      String scriptName,
      int stepLimit,
      Retention defaultRetention,
      Integer concurrencyLimit) {
    this(
        className,
        scriptName,
        stepLimit,
        defaultRetention,
        concurrencyLimit,
        FailurePolicy.DEFAULT,
        List.of());
  }

  public WorkflowDefinition(
      String className, String scriptName, int stepLimit, Retention defaultRetention) {
    this(className, scriptName, stepLimit, defaultRetention, null);
  }

  /** Cloudflare's default steps per instance. */
  public static final int DEFAULT_STEP_LIMIT = 10_000;

  public static final int MAX_STEP_LIMIT = 25_000;

  /** Cloudflare's limit of schedules per workflow. */
  public static final int MAX_SCHEDULES = 200;
}
