package dev.stepflow.domain;

import java.time.Instant;

/**
 * One tick of a workflow's cron schedule: the expression as the workflow's version holds it and the
 * time (UTC, whole minutes) it fires for. The instance it creates has the id Cloudflare gives
 * cron-triggered instances, {@code <cron>-<epoch milliseconds of the tick>}, so that every node
 * that fires the same tick names the same instance, and only the first creation takes effect.
 */
public record CronTick(String cron, Instant scheduledTime) {

  /** The id of the instance this tick creates, e.g. {@code "*&#47;30 * * * *-1786001400000"}. */
  public String instanceId() {
    return cron + "-" + scheduledTime.toEpochMilli();
  }
}
