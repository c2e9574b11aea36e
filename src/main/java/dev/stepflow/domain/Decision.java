package dev.stepflow.domain;

import java.util.List;
import java.util.Set;

/** The table's answer for one (status, trigger) pair. */
public sealed interface Decision {

  /** Apply the change: a compare-and-set from {@code from} to {@code to}, plus the effects. */
  record Move(Status from, Trigger trigger, Status to, Set<Effect> effects) implements Decision {
    public Move {
      effects = Effects.ordered(effects);
    }
  }

  /** An idempotent repeat (pause on a paused instance): success, nothing changes. */
  record NoOp(Status current, Trigger trigger) implements Decision {}

  /** Not allowed from this status; {@code allowedActions} says what is. */
  record Reject(Status current, Trigger trigger, List<Action> allowedActions) implements Decision {
    public Reject {
      allowedActions = List.copyOf(allowedActions);
    }
  }
}
