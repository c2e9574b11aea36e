package dev.stepflow.http;

import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.StepType;
import dev.stepflow.domain.WorkflowException;

/** Step names as logs show them: {@code name-count}, with the wire step types of GET .../step. */
final class StepNames {
  private StepNames() {}

  /** Parses {@code charge-2} with type {@code step} into (do, charge, 2). */
  static StepRef parse(String displayName, String wireType) {
    StepType type =
        switch (wireType) {
          case "step" -> StepType.DO;
          case "waitForEvent" -> StepType.WAIT_FOR_EVENT;
          default ->
              throw WorkflowException.invalid(
                  "'type' must be step or waitForEvent (got '" + wireType + "').");
        };
    int dash = displayName.lastIndexOf('-');
    if (dash > 0 && dash < displayName.length() - 1) {
      String suffix = displayName.substring(dash + 1);
      if (suffix.chars().allMatch(Character::isDigit) && suffix.length() < 10) {
        return new StepRef(type, displayName.substring(0, dash), Integer.parseInt(suffix));
      }
    }
    throw WorkflowException.invalid(
        "'name' must be a step name with its counter suffix as logs show it, such as 'charge-1'"
            + " (got '"
            + displayName
            + "').");
  }
}
