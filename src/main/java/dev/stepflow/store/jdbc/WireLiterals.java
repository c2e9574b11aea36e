package dev.stepflow.store.jdbc;

import dev.stepflow.domain.Decision.Move;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepStatus;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WireNames;
import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Statuses as SQL literals, from their wire names, for the few statements whose status conditions
 * are fixed and so are better written into the SQL than bound (they pick indexes by them).
 */
final class WireLiterals {
  private WireLiterals() {}

  /** {@code 'waiting'}, or {@code 'queued', 'running'} for several. */
  static String quoted(Status... statuses) {
    return quoted(Arrays.asList(statuses));
  }

  static String quoted(Collection<Status> statuses) {
    return statuses.stream()
        .map(s -> "'" + WireNames.status(s) + "'")
        .collect(Collectors.joining(", "));
  }

  static String quoted(StepKind kind) {
    return "'" + WireNames.stepKind(kind) + "'";
  }

  static String quotedSteps(StepStatus... statuses) {
    return Arrays.stream(statuses)
        .map(s -> "'" + WireNames.stepStatus(s) + "'")
        .collect(Collectors.joining(", "));
  }

  /**
   * The statuses a run carries on from at a step boundary, by the table: those from which it may
   * suspend (running, with no pause asked).
   */
  static String carryingOn() {
    return quoted(
        Arrays.stream(Status.values())
            .filter(s -> Transitions.TABLE.decide(s, EngineEvent.RUN_SUSPENDED) instanceof Move)
            .toList());
  }

  /** The statuses in which a run works on the instance and holds a run slot. */
  static String slotHolding() {
    return quoted(Arrays.stream(Status.values()).filter(Status::holdsRunSlot).toList());
  }
}
