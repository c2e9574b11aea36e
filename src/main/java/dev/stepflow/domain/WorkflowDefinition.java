package dev.stepflow.domain;

/** What a PUT workflow asks for; validated before it reaches the store. */
public record WorkflowDefinition(
    String className, String scriptName, int stepLimit, Retention defaultRetention) {

  /** Cloudflare's default steps per instance. */
  public static final int DEFAULT_STEP_LIMIT = 10_000;

  public static final int MAX_STEP_LIMIT = 25_000;
}
