package dev.stepflow.domain;

/**
 * An instance to create: its id (already validated or generated), its params as JSON text, and its
 * own retention (fields left null fall back to the version's default).
 */
public record NewInstance(String instanceId, String paramsJson, Retention retention) {
  public NewInstance(String instanceId, String paramsJson) {
    this(instanceId, paramsJson, Retention.FOREVER);
  }
}
