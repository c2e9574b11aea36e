package dev.stepflow.domain;

import java.time.Instant;

/**
 * One version of a workflow, created by every PUT. New instances run the newest version and record
 * its id. {@code defaultRetentionJson} is the retention object as the client sent it (JSON) or
 * null.
 */
public record WorkflowVersion(
    String id,
    String workflowId,
    WorkflowRef workflow,
    String className,
    String scriptName,
    int stepLimit,
    Retention defaultRetention,
    Instant createdOn) {}
