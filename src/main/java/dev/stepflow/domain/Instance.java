package dev.stepflow.domain;

import java.time.Instant;

/**
 * A workflow instance as stored. JSON values (params, output) are kept as JSON text; {@code seq} is
 * the store's creation order, used for cursors. {@code statusChangedOn} is the time of the last
 * status change; {@code statusVersion} counts the status moves (see {@link #etag()}). {@code
 * schedule} is the cron tick that created the instance (null: created otherwise).
 */
public record Instance(
    InstanceRef ref,
    long seq,
    Status status,
    String workflowId,
    String versionId,
    String paramsJson,
    String triggerSource,
    Instant createdOn,
    Instant modifiedOn,
    Instant queuedOn,
    Instant startedOn,
    Instant endedOn,
    Instant statusChangedOn,
    String outputJson,
    String errorName,
    String errorMessage,
    RollbackOutcome rollbackOutcome,
    String rollbackErrorName,
    String rollbackErrorMessage,
    long statusVersion,
    CronTick schedule) {

  /** The instance's ETag (see {@link CurrentStatus#etag()}). */
  public String etag() {
    return CurrentStatus.etagOf(seq, statusVersion);
  }
}
