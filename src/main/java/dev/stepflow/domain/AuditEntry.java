package dev.stepflow.domain;

import java.time.Instant;

/**
 * One control call as the audit log keeps it: who ({@code actor}, with the token's name then), what
 * ({@code action}, e.g. {@code instance.pause}, and the HTTP method), on what ({@code workflowName}
 * and {@code instanceId}, null where the call named none), how it was answered ({@code
 * httpStatus}), why ({@code reason}) and in which request. {@code id} is the store's, 0 before it
 * is appended; ids increase with time.
 */
public record AuditEntry(
    long id,
    String accountId,
    Instant at,
    String actor,
    String actorName,
    String action,
    String method,
    String workflowName,
    String instanceId,
    int httpStatus,
    String reason,
    String requestId) {}
