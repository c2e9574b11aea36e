package dev.stepflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Transitions;
import dev.stepflow.store.AppliedMove;
import org.junit.jupiter.api.Test;

/** The payload of a move signal names the table row it took; the receiver finds it again. */
class ClusterChannelsTest {

  @Test
  void aMovePayloadNamesTheInstanceTheRunAndTheRow() {
    Decision.Move terminate =
        (Decision.Move) Transitions.TABLE.decide(Status.RUNNING, Action.TERMINATE_WITH_ROLLBACK);

    assertThat(ClusterChannels.parseMove("42:7:running:terminate+rollback"))
        .contains(new AppliedMove(42, 7, terminate));
  }

  @Test
  void aPayloadThatNamesNoMoveIsNoMove() {
    assertThat(ClusterChannels.parseMove("42")).as("an older node's payload").isEmpty();
    assertThat(ClusterChannels.parseMove("x:7:running:pause")).isEmpty();
    assertThat(ClusterChannels.parseMove("42:7:sleeping:pause")).as("no such status").isEmpty();
    assertThat(ClusterChannels.parseMove("42:7:running:fly")).as("no such trigger").isEmpty();
    assertThat(ClusterChannels.parseMove("42:7:complete:pause")).as("a rejection").isEmpty();
  }
}
