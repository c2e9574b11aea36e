package dev.stepflow.store;

import dev.stepflow.domain.Decision;

/**
 * A move that committed, addressed to the run it concerns: {@code runId} is the instance's run id
 * before the move, so a reaction to it reaches that run and never a newer one (a restart's move may
 * commit, and a new run start, before the old run's node hears of it).
 */
public record AppliedMove(long instanceSeq, long runId, Decision.Move move) {}
