package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Effect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The runtime's share of the table: it reacts to exactly the effects it carries out. */
class MoveReactionsTest {
  private final MoveReactions reactions = new MoveReactions(new ActiveRuns(), () -> {});

  @ParameterizedTest
  @EnumSource(Effect.class)
  void theRuntimeReactsToExactlyTheEffectsItCarriesOut(Effect effect) {
    assertThat(reactions.reactionTo(effect) != MoveReactions.Reaction.NONE)
        .as("%s is carried out by %s", effect, effect.carriers())
        .isEqualTo(effect.carriedBy(Effect.Carrier.RUNTIME));
  }
}
