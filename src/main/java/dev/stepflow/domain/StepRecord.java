package dev.stepflow.domain;

import java.time.Instant;

/**
 * A step as recorded for the current run: its identity, its status (running, waiting, complete,
 * errored), and its output or final error. JSON values are text.
 */
public record StepRecord(
    StepRef step,
    String status,
    Instant startedOn,
    Instant endedOn,
    String outputJson,
    String errorName,
    String errorMessage) {}
