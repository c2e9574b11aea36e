package dev.stepflow.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * A status change to apply as a compare-and-set: it succeeds only if the instance is still in
 * {@code decision.from()}. {@code restartFrom} is present for a restart from a step.
 */
public record StatusMove(
    Decision.Move decision, String actor, Instant at, Optional<StepRef> restartFrom) {

  public boolean has(Effect effect) {
    return decision.effects().contains(effect);
  }
}
