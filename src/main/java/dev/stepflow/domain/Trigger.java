package dev.stepflow.domain;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * What makes an instance change status: an {@link Action} a client asks for (imperative) or an
 * {@link EngineEvent} the engine reports (past tense).
 */
public sealed interface Trigger permits Action, EngineEvent {
  /** The name used in status history and in generated docs. */
  String label();

  /** The trigger of this label, as status history and signals write it. */
  static Optional<Trigger> byLabel(String label) {
    return Stream.<Trigger>concat(Stream.of(Action.values()), Stream.of(EngineEvent.values()))
        .filter(trigger -> trigger.label().equals(label))
        .findFirst();
  }
}
