package dev.stepflow.http;

import dev.stepflow.domain.WorkflowException;

/** The asc / desc query values. */
final class Orders {
  private Orders() {}

  /** True for asc, false for desc, {@code whenAbsent} for none; anything else is a 400. */
  static boolean ascending(String value, String parameter, boolean whenAbsent) {
    if (value == null) {
      return whenAbsent;
    }
    return switch (value) {
      case "asc" -> true;
      case "desc" -> false;
      default ->
          throw WorkflowException.invalid(
              "'" + parameter + "' must be asc or desc (got '" + value + "').");
    };
  }

  static boolean ascending(String value, String parameter) {
    return ascending(value, parameter, true);
  }
}
