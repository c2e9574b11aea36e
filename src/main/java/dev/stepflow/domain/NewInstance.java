package dev.stepflow.domain;

/**
 * An instance to create: its id (already validated or generated), its params as JSON text, its own
 * retention (fields left null fall back to the version's default), its own on_failure (null: its
 * version's), and the cron tick that creates it (null: created through the API).
 */
public record NewInstance(
    String instanceId,
    String paramsJson,
    Retention retention,
    FailurePolicy onFailure,
    CronTick tick) {
  public NewInstance(String instanceId, String paramsJson, Retention retention) {
    this(instanceId, paramsJson, retention, null, null);
  }

  public NewInstance(String instanceId, String paramsJson) {
    this(instanceId, paramsJson, Retention.FOREVER);
  }

  /** What the instance's trigger source is on the wire. */
  public String triggerSource() {
    return tick == null ? "api" : "cron";
  }
}
