package dev.stepflow.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.WireNames;
import dev.stepflow.soak.SoakStore.Held;
import dev.stepflow.testing.EffectLine;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The effect log against the kills. Each server process of the soak appends to one log; a line's
 * process is known from where the log ended at each kill. The rules:
 *
 * <ol>
 *   <li>An attempt (do step or rollback handler, by name-count and attempt number) whose checkpoint
 *       had committed at a kill (the store, read right after the kill, lists it among the step's
 *       recorded attempts, or the step finished) never starts again after that kill, until a
 *       restart of its instance wipes its steps.
 *   <li>An attempt starts at most once per process, until a restart wipes the steps: it runs again
 *       only in a later process, because the kill came before its checkpoint committed
 *       (at-least-once for uncommitted work). Each such start counts as an allowed re-run.
 *   <li>An instance that was terminated at a kill starts no step attempt after it, until a restart.
 * </ol>
 *
 * "Until a restart" uses the restart's row in the history. Its time is read before the restart
 * commits, and under load the commit can come tens of milliseconds later, while the old run still
 * starts attempts; so for rule 2 a restart counts between two starts of an attempt when its time is
 * after the first start minus {@link #RESTART_COMMIT_SLACK} (an attempt that starts twice in one
 * process within that time of a restart is not caught). For rules 1 and 3 a start counts as after
 * the restart when it is after the restart's time (a committed attempt re-run by the recovered run
 * in that short window would not be caught either).
 */
final class SoakEffects {
  private static final Duration RESTART_COMMIT_SLACK = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An attempt of a step of an instance: kind do or rollback, display name, attempt number. */
  record Attempt(String instanceId, String kind, String step, int attempt) {}

  /** A kill: how many effect lines the log had, what had committed and what was terminated. */
  record Kill(int round, Instant at, int lines, Set<Attempt> committed, Set<String> terminated) {}

  /** Every line of the log, start and end lines, in file order (the kills count them all). */
  private final List<EffectLine> lines;

  private final List<Kill> kills;
  private final Map<String, Held> held;
  private final SoakChecks checks;
  private long reruns;

  SoakEffects(List<EffectLine> lines, List<Kill> kills, Map<String, Held> held, SoakChecks checks) {
    this.lines = lines;
    this.kills = kills;
    this.held = held;
    this.checks = checks;
  }

  /** Starts after the first of the same attempt in an earlier process (allowed by rule 2). */
  long reruns() {
    return reruns;
  }

  /** The attempts whose checkpoint committed, as the store holds them after a kill. */
  static Set<Attempt> committed(Map<String, Held> held) {
    Set<Attempt> committed = new HashSet<>();
    held.forEach(
        (id, h) -> {
          for (StepRecord row : h.steps()) {
            if (row.kind() == StepKind.DO || row.kind() == StepKind.ROLLBACK) {
              int attempts = attemptsOf(row);
              for (int a = 1; a <= attempts; a++) {
                committed.add(
                    new Attempt(id, WireNames.stepKind(row.kind()), row.displayName(), a));
              }
            }
          }
        });
    return committed;
  }

  /** Recorded attempts; a finished rollback row without an attempt list counts as one. */
  static int attemptsOf(StepRecord row) {
    int recorded = 0;
    if (row.attemptsJson() != null) {
      try {
        recorded = JSON.readTree(row.attemptsJson()).size();
      } catch (IOException e) {
        throw new IllegalStateException("unreadable attempts of " + row, e);
      }
    }
    boolean finished = row.status().isFinished();
    return finished ? Math.max(1, recorded) : recorded;
  }

  SoakEffects check() {
    Map<Attempt, List<Integer>> starts = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      EffectLine l = lines.get(i);
      if (!l.isStart()) {
        continue;
      }
      starts
          .computeIfAbsent(
              new Attempt(l.instanceId(), l.kind(), l.step(), l.attempt()), k -> new ArrayList<>())
          .add(i);
    }
    starts.forEach(this::oncePerProcess);
    for (int k = 0; k < kills.size(); k++) {
      committedNeverAgain(k, starts);
      terminatedRunsNothing(k);
    }
    return this;
  }

  private void oncePerProcess(Attempt attempt, List<Integer> indexes) {
    for (int j = 1; j < indexes.size(); j++) {
      EffectLine before = lines.get(indexes.get(j - 1));
      EffectLine again = lines.get(indexes.get(j));
      if (restartBetween(attempt.instanceId(), before.at(), again.at())) {
        continue;
      }
      if (process(indexes.get(j - 1)) == process(indexes.get(j))) {
        checks.fail(
            "%s started twice in process %d without a restart: %s, %s",
            attempt, process(indexes.get(j)), before, again);
      } else {
        reruns++;
      }
    }
  }

  private void committedNeverAgain(int k, Map<Attempt, List<Integer>> starts) {
    Kill kill = kills.get(k);
    for (Attempt attempt : kill.committed()) {
      Instant wiped = firstRestartAfter(attempt.instanceId(), kill.at());
      for (int i : starts.getOrDefault(attempt, List.of())) {
        if (process(i) > k && lines.get(i).at().isBefore(wiped)) {
          checks.fail(
              "%s had committed at kill %d but started again: %s",
              attempt, kill.round(), lines.get(i));
        }
      }
    }
  }

  private void terminatedRunsNothing(int k) {
    Kill kill = kills.get(k);
    for (int i = kill.lines(); i < lines.size(); i++) {
      EffectLine line = lines.get(i);
      if (line.kind().equals("do")
          && kill.terminated().contains(line.instanceId())
          && line.at().isBefore(firstRestartAfter(line.instanceId(), kill.at()))) {
        checks.fail(
            "%s was terminated at kill %d but started %s", line.instanceId(), kill.round(), line);
      }
    }
  }

  /** The process that wrote line {@code i}: the round it belongs to (kills.size(): the last). */
  private int process(int i) {
    for (int k = 0; k < kills.size(); k++) {
      if (i < kills.get(k).lines()) {
        return k;
      }
    }
    return kills.size();
  }

  private boolean restartBetween(String id, Instant from, Instant to) {
    Instant earliest = from.minus(RESTART_COMMIT_SLACK);
    return restarts(id).stream().anyMatch(r -> r.isAfter(earliest) && !r.isAfter(to));
  }

  /** The time of the first restart of {@code id} after {@code t}, or Instant.MAX. */
  private Instant firstRestartAfter(String id, Instant t) {
    return restarts(id).stream().filter(r -> r.isAfter(t)).findFirst().orElse(Instant.MAX);
  }

  /** The times of the restarts of {@code id}, oldest first. */
  List<Instant> restarts(String id) {
    Held h = held.get(id);
    if (h == null) {
      return List.of();
    }
    return h.history().stream()
        .filter(r -> r.trigger().equals(Action.RESTART.label()))
        .map(StatusChange::at)
        .toList();
  }

  /** The start lines of {@code id} written in its current run (after its last restart). */
  List<EffectLine> currentRun(String id) {
    List<Instant> restarts = restarts(id);
    Instant from = restarts.isEmpty() ? Instant.MIN : restarts.getLast();
    return lines.stream()
        .filter(l -> l.isStart() && l.instanceId().equals(id) && !l.at().isBefore(from))
        .toList();
  }

  /** Distinct attempt numbers of each step of {@code kind} in {@code run}. */
  static Map<String, Set<Integer>> attemptsByStep(List<EffectLine> run, String kind) {
    Map<String, Set<Integer>> byStep = new HashMap<>();
    run.stream()
        .filter(l -> l.kind().equals(kind))
        .forEach(l -> byStep.computeIfAbsent(l.step(), s -> new HashSet<>()).add(l.attempt()));
    return byStep;
  }
}
