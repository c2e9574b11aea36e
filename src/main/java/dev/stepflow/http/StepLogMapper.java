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
import dev.stepflow.domain.LoggedStep;
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
 *
 * <p>Bounded whatever the instance holds: an output whose JSON text is longer than {@link
 * LoggedStep#OUTPUT_PREVIEW_CHARS} characters is shown as a string of its first characters followed
 * by {@link #TRUNCATED_OUTPUT} (Cloudflare's rule; the store never read more of it), and attempt
 * logs are bounded when recorded. GET .../step returns an output whole.
 */
final class StepLogMapper {
  /** Ends a cut output; Cloudflare's marker, which its dashboard looks for. */
  static final String TRUNCATED_OUTPUT = "[truncated output]";

  private record Timed(Instant at, int order, StepLogEntry entry) {}

  private StepLogMapper() {}

  static List<StepLogEntry> log(
      List<LoggedStep> steps, List<StatusChange> history, boolean ascending) {
    List<Timed> timed = new ArrayList<>();
    for (LoggedStep logged : steps) {
      StepRecord row = logged.step();
      timed.add(new Timed(row.startedOn(), row.stepSeq(), entry(row, output(logged))));
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

  /** The output as the log shows it: whole, or cut and marked as a string. */
  private static Object output(LoggedStep logged) {
    String json = logged.step().outputJson();
    return logged.outputCut() ? json + TRUNCATED_OUTPUT : JsonValues.fromText(json);
  }

  private static StepLogEntry entry(StepRecord row, Object output) {
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
              .output(output);
      case ROLLBACK -> {
        List<StepAttempt> attempts = attempts(row);
        yield new RollbackEntry(
                type,
                row.displayName(),
                time(row.startedOn()),
                time(row.endedOn()),
                success(row.status()),
                output,
                config(row),
                attempts)
            .error(error(row))
            .attemptCount(attemptCount(attempts));
      }
      case DO -> {
        List<StepAttempt> attempts = attempts(row);
        yield new StepEntry(
                type,
                row.displayName(),
                time(row.startedOn()),
                time(row.endedOn()),
                success(row.status()),
                output,
                config(row),
                attempts)
            .error(error(row))
            .attemptCount(attemptCount(attempts));
      }
    };
  }

  private static boolean finished(StepRecord row) {
    return row.status() == StepStatus.COMPLETE;
  }

  private static StepConfig config(StepRecord row) {
    return JsonValues.read(row.configJson(), new TypeReference<StepConfig>() {});
  }

  /**
   * The finished attempts as the engine kept them (numbered; a log recorded before attempts were
   * numbered kept them all, in order), plus the first attempt while it is in flight (a running step
   * has no finished attempt, and its first attempt started with the step), so clients see it as
   * working.
   */
  static List<StepAttempt> attempts(StepRecord row) {
    List<StepAttempt> recorded =
        JsonValues.read(row.attemptsJson(), new TypeReference<List<StepAttempt>>() {});
    List<StepAttempt> attempts = recorded == null ? new ArrayList<>() : new ArrayList<>(recorded);
    for (int i = 0; i < attempts.size(); i++) {
      if (attempts.get(i).getAttempt() == null) {
        attempts.get(i).setAttempt(i + 1);
      }
    }
    if (row.status() == StepStatus.RUNNING && attempts.isEmpty()) {
      attempts.add(new StepAttempt(time(row.startedOn()), null, null, null).attempt(1));
    }
    return attempts;
  }

  /** How many attempts the step made: the number of the last one listed. */
  static int attemptCount(List<StepAttempt> attempts) {
    return attempts.isEmpty() ? 0 : attempts.get(attempts.size() - 1).getAttempt();
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
