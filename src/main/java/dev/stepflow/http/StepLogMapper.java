package dev.stepflow.http;

import static dev.stepflow.http.WireMapper.time;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.stepflow.api.model.ErrorDetail;
import dev.stepflow.api.model.InstanceTrigger;
import dev.stepflow.api.model.StepAttempt;
import dev.stepflow.api.model.StepConfig;
import dev.stepflow.api.model.StepLogEntry;
import dev.stepflow.api.model.StepLogEntry.TypeEnum;
import dev.stepflow.api.model.TriggerSource;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The step log of GET instance: one entry per recorded step (do as "step", sleep, waitForEvent,
 * rollback), plus a "termination" entry for each terminate in the status history, in time order.
 */
final class StepLogMapper {
  private record Timed(Instant at, int order, StepLogEntry entry) {}

  private StepLogMapper() {}

  static List<StepLogEntry> log(
      List<StepRow> steps, List<StatusChange> history, boolean ascending) {
    List<Timed> timed = new ArrayList<>();
    for (StepRow row : steps) {
      timed.add(new Timed(row.startedOn(), row.stepSeq(), entry(row)));
    }
    for (StatusChange change : history) {
      if (change.trigger().startsWith("terminate")) {
        timed.add(
            new Timed(
                change.at(),
                Integer.MAX_VALUE,
                new StepLogEntry(TypeEnum.TERMINATION)
                    .trigger(new InstanceTrigger(TriggerSource.API))));
      }
    }
    Comparator<Timed> order = Comparator.comparing(Timed::at).thenComparingInt(Timed::order);
    timed.sort(ascending ? order : order.reversed());
    return timed.stream().map(Timed::entry).toList();
  }

  private static StepLogEntry entry(StepRow row) {
    return switch (row.kind()) {
      case "sleep" -> waited(row, TypeEnum.SLEEP);
      case "waitForEvent" ->
          waited(row, TypeEnum.WAIT_FOR_EVENT)
              .eventType(row.eventType())
              .output(JsonValues.fromText(row.outputJson()));
      case "rollback" -> run(row, TypeEnum.ROLLBACK);
      default -> run(row, TypeEnum.STEP);
    };
  }

  private static StepLogEntry waited(StepRow row, TypeEnum type) {
    return new StepLogEntry(type)
        .name(row.displayName())
        .start(time(row.startedOn()))
        .end(time(row.endedOn()))
        .finished(row.status().equals("complete"))
        .error(error(row));
  }

  private static StepLogEntry run(StepRow row, TypeEnum type) {
    return new StepLogEntry(type)
        .name(row.displayName())
        .start(time(row.startedOn()))
        .end(time(row.endedOn()))
        .success(success(row.status()))
        .output(JsonValues.fromText(row.outputJson()))
        .error(error(row))
        .config(read(row.configJson(), new TypeReference<StepConfig>() {}))
        .attempts(read(row.attemptsJson(), new TypeReference<List<StepAttempt>>() {}));
  }

  static Boolean success(String stepStatus) {
    return switch (stepStatus) {
      case "complete" -> true;
      case "errored" -> false;
      default -> null;
    };
  }

  private static ErrorDetail error(StepRow row) {
    return row.errorName() == null ? null : new ErrorDetail(row.errorName(), row.errorMessage());
  }

  private static <T> T read(String json, TypeReference<T> type) {
    return JsonValues.read(json, type);
  }
}
