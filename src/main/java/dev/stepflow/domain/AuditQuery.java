package dev.stepflow.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * What GET /accounts/{a}/audit asks for: the account's entries, newest first, at or after {@code
 * since} and before {@code until}, of one actor, action or workflow when given, and only entries
 * older than the one of id {@code before} (the cursor); at most {@code size}.
 */
public record AuditQuery(
    String accountId,
    Optional<Instant> since,
    Optional<Instant> until,
    Optional<String> actor,
    Optional<String> action,
    Optional<String> workflowName,
    Optional<Long> before,
    int size) {}
