package dev.stepflow.http;

import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.WireNames;

/**
 * {@code on_failure} of PUT workflow and of instance creation as the domain's {@link
 * FailurePolicy}. The generated enums of the two bodies are distinct types with the same wire
 * values; bean validation has refused any other value before this runs.
 */
final class FailurePolicies {
  private FailurePolicies() {}

  /** The policy {@code wire} names (a generated enum's value), or null when it is absent. */
  static FailurePolicy fromWire(Object wire) {
    return wire == null
        ? null
        : WireNames.parseFailurePolicy(wire.toString())
            .orElseThrow(() -> new IllegalArgumentException("unknown on_failure " + wire));
  }
}
