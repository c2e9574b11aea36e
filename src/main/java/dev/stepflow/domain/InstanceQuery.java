package dev.stepflow.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * A list-instances query. {@code afterSeq} continues a cursor walk; {@code offset} serves the
 * deprecated page parameter. Newest first unless {@code ascending}.
 */
public record InstanceQuery(
    WorkflowRef workflow,
    Optional<Status> status,
    Optional<Instant> createdFrom,
    Optional<Instant> createdTo,
    boolean ascending,
    Optional<Long> afterSeq,
    long offset,
    int limit) {}
