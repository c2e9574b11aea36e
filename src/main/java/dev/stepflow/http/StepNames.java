package dev.stepflow.http;

import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowException;
import java.util.List;
import java.util.stream.Collectors;

/** Step names as logs show them: {@code name-count}, with the wire step types of GET .../step. */
final class StepNames {
  /** The kinds GET .../step can name, by their log entry type. */
  private static final List<StepKind> ADDRESSABLE = List.of(StepKind.DO, StepKind.WAIT_FOR_EVENT);

  private StepNames() {}

  /** Parses {@code charge-2} with type {@code step} into (do, charge, 2). */
  static StepRef parse(String displayName, String wireType) {
    StepKind type =
        ADDRESSABLE.stream()
            .filter(kind -> WireNames.logEntryType(kind).equals(wireType))
            .findFirst()
            .orElseThrow(
                () ->
                    WorkflowException.invalid(
                        "'type' must be "
                            + ADDRESSABLE.stream()
                                .map(WireNames::logEntryType)
                                .collect(Collectors.joining(" or "))
                            + " (got '"
                            + wireType
                            + "')."));
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
