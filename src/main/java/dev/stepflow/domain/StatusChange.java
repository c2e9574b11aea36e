package dev.stepflow.domain;

import java.time.Instant;

/**
 * One row of an instance's append-only status history: who or what moved it, from where to where,
 * when. {@code from} is null for the creation row.
 */
public record StatusChange(Status from, Status to, String trigger, String actor, Instant at) {}
