package dev.stepflow.http;

import static dev.stepflow.http.WireMapper.time;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.stepflow.api.model.ErrorDetail;
import dev.stepflow.api.model.InstanceTrigger;
import dev.stepflow.api.model.RollbackEntry;
import dev.stepflow.api.model.SleepEntry;
import dev.stepflow.api.model.StepAttempt;
import dev.stepflow.api.model.StepConfig;
import dev.stepflow.api.model.StepEntry;
import dev.stepflow.api.model.StepLogEntry;
import dev.stepflow.api.model.TerminationEntry;
import dev.stepflow.api.model.TriggerSource;
import dev.stepflow.api.model.WaitForEventEntry;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepStatus;
import dev.stepflow.domain.WireNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The step log of GET instance: one entry per recorded step (do as "step", sleep, waitForEvent,
 * rollback), plus a termination entry for each move of the status history that recorded one, in
 * time order. Each entry is the contract variant of its type, so the members that variant requires
 * are written even when null (wrangler reads {@code success: null} as "still running").
 */
final class StepLogMapper {
  private record Timed(Instant at, int order, StepLogEntry entry) {}

  private StepLogMapper() {}

  static List<StepLogEntry> log(
      List<StepRecord> steps, List<StatusChange> history, boolean ascending) {
    List<Timed> timed = new ArrayList<>();
    for (StepRecord row : steps) {
      timed.add(new Timed(row.startedOn(), row.stepSeq(), entry(row)));
    }
    for (StatusChange change : history) {
      if (change.recordsTermination()) {
        timed.add(
            new Timed(
                change.at(),
                Integer.MAX_VALUE,
                new TerminationEntry(
                    WireNames.TERMINATION_ENTRY, new InstanceTrigger(TriggerSource.API))));
      }
    }
    Comparator<Timed> order = Comparator.comparing(Timed::at).thenComparingInt(Timed::order);
    timed.sort(ascending ? order : order.reversed());
    return timed.stream().map(Timed::entry).toList();
  }

  private static StepLogEntry entry(StepRecord row) {
    String type = WireNames.logEntryType(row.kind());
    return switch (row.kind()) {
      case SLEEP ->
          new SleepEntry(
              type,
              row.displayName(),
              time(row.startedOn()),
              time(row.endedOn()),
              finished(row),
              error(row));
      case WAIT_FOR_EVENT ->
          new WaitForEventEntry(
                  type,
                  row.displayName(),
                  time(row.startedOn()),
                  time(row.endedOn()),
                  finished(row),
                  error(row))
              .eventType(row.eventType())
              .output(JsonValues.fromText(row.outputJson()));
      case ROLLBACK ->
          new RollbackEntry(
                  type,
                  row.displayName(),
                  time(row.startedOn()),
                  time(row.endedOn()),
                  success(row.status()),
                  JsonValues.fromText(row.outputJson()),
                  config(row),
                  attempts(row))
              .error(error(row));
      case DO ->
          new StepEntry(
                  type,
                  row.displayName(),
                  time(row.startedOn()),
                  time(row.endedOn()),
                  success(row.status()),
                  JsonValues.fromText(row.outputJson()),
                  config(row),
                  attempts(row))
              .error(error(row));
    };
  }

  private static boolean finished(StepRecord row) {
    return row.status() == StepStatus.COMPLETE;
  }

  private static StepConfig config(StepRecord row) {
    return JsonValues.read(row.configJson(), new TypeReference<StepConfig>() {});
  }

  /**
   * The finished attempts, plus the first attempt while it is in flight (a running step has no
   * finished attempt, and its first attempt started with the step), so clients see it as working.
   */
  static List<StepAttempt> attempts(StepRecord row) {
    List<StepAttempt> recorded =
        JsonValues.read(row.attemptsJson(), new TypeReference<List<StepAttempt>>() {});
    List<StepAttempt> attempts = recorded == null ? new ArrayList<>() : new ArrayList<>(recorded);
    if (row.status() == StepStatus.RUNNING && attempts.isEmpty()) {
      attempts.add(new StepAttempt(time(row.startedOn()), null, null, null));
    }
    return attempts;
  }

  static Boolean success(StepStatus stepStatus) {
    return switch (stepStatus) {
      case COMPLETE -> true;
      case ERRORED -> false;
      case RUNNING, WAITING -> null;
    };
  }

  private static ErrorDetail error(StepRecord row) {
    return row.errorName() == null ? null : new ErrorDetail(row.errorName(), row.errorMessage());
  }
}
