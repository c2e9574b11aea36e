package dev.stepflow.engine.service;

import dev.stepflow.domain.Status;
import java.time.Instant;

/**
 * The status of an instance after a client action, the time it entered that status, and its ETag
 * then (unchanged by a no-op); {@code changed} is false for a no-op (the instance was in that
 * status already).
 */
public record StatusOutcome(Status status, Instant at, String etag, boolean changed) {}
