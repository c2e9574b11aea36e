package dev.stepflow.domain;

/**
 * What a PUT workflow asks for; validated before it reaches the store. {@code concurrencyLimit}
 * caps the instances of this version running at once (null: only the engine's own limit).
 */
public record WorkflowDefinition(
    String className,
    String scriptName,
    int stepLimit,
    Retention defaultRetention,
    Integer concurrencyLimit) {

  public WorkflowDefinition(
      String className, String scriptName, int stepLimit, Retention defaultRetention) {
    this(className, scriptName, stepLimit, defaultRetention, null);
  }

  /** Cloudflare's default steps per instance. */
  public static final int DEFAULT_STEP_LIMIT = 10_000;

  public static final int MAX_STEP_LIMIT = 25_000;
}
