package dev.stepflow.domain;

import java.time.Instant;

/** A workflow: a name bound to a workflow class; {@code versionId} is the newest version. */
public record Workflow(
    WorkflowRef ref,
    String id,
    String className,
    String scriptName,
    String versionId,
    Instant createdOn,
    Instant modifiedOn,
    Instant triggeredOn) {}
