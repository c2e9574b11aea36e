package dev.stepflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.Trigger;
import java.util.Arrays;
import java.util.List;

/** Checks of an instance's status history against the transition table, for the race tests. */
public final class StatusHistories {
  private StatusHistories() {}

  /**
   * The history starts with the creation row (queued), every row starts where the one before ended,
   * and every row is the move the table makes from its status for its trigger. {@code what} names
   * the instance in failure messages (add a seed there to make a failure replayable).
   */
  public static void assertPathThroughTable(String what, List<StatusChange> rows) {
    assertThat(rows.getFirst())
        .as("creation row of %s", what)
        .extracting(StatusChange::from, StatusChange::to, StatusChange::trigger)
        .containsExactly(null, Status.QUEUED, "create");
    for (int i = 1; i < rows.size(); i++) {
      StatusChange row = rows.get(i);
      assertThat(row.from())
          .as("row %d of %s starts where row %d ended: %s", i, what, i - 1, rows)
          .isEqualTo(rows.get(i - 1).to());
      assertThat(Transitions.TABLE.decide(row.from(), triggerFor(row.trigger())))
          .as("row %d of %s: %s", i, what, row)
          .isInstanceOfSatisfying(
              Decision.Move.class, move -> assertThat(move.to()).isEqualTo(row.to()));
    }
  }

  /** The action or engine event a history row names. */
  public static Trigger triggerFor(String label) {
    return Arrays.stream(Action.values())
        .filter(a -> a.label().equals(label))
        .<Trigger>map(a -> a)
        .findFirst()
        .orElseGet(() -> EngineEvent.valueOf(label));
  }
}
