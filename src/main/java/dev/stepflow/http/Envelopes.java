package dev.stepflow.http;

import dev.stepflow.api.model.MessageObject;
import java.util.List;

/** The parts every success envelope shares: no errors, no messages. */
final class Envelopes {
  static final List<MessageObject> NONE = List.of();

  private Envelopes() {}
}
