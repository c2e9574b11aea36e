package dev.stepflow.domain;

/**
 * What makes an instance change status: an {@link Action} a client asks for (imperative) or an
 * {@link EngineEvent} the engine reports (past tense).
 */
public sealed interface Trigger permits Action, EngineEvent {
  /** The name used in status history and in generated docs. */
  String label();
}
