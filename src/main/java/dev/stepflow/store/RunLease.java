package dev.stepflow.store;

/**
 * The right of one run to write an instance's steps and run status: valid while the instance's
 * run_id still equals {@code runId}. Every engine write checks it (fencing), so a run that lost its
 * instance to terminate, restart or a takeover cannot record anything.
 */
public record RunLease(long instanceSeq, long runId) {}
