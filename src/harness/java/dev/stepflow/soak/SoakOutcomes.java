package dev.stepflow.soak;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepStatus;
import dev.stepflow.soak.SoakStore.Held;
import dev.stepflow.testing.EffectLine;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Where every instance must end once the soak resumed everything paused and the engine settled:
 * terminated when the last client action in its history is a terminate (with or without rollback);
 * otherwise what its script does when left alone, complete or errored. In its current run (after
 * its last restart) a complete instance started every attempt of every step its script has, and no
 * more, and the store recorded exactly those attempts; an errored one started the attempts up to
 * the failing step and its rollback handlers, and never the steps after it.
 */
final class SoakOutcomes {
  private static final Set<String> TERMINATES =
      Set.of(Action.TERMINATE.label(), Action.TERMINATE_WITH_ROLLBACK.label());

  private final SoakLedger ledger;
  private final Map<String, Held> held;
  private final SoakEffects effects;
  private final SoakChecks checks;
  private int checked;

  SoakOutcomes(SoakLedger ledger, Map<String, Held> held, SoakEffects effects, SoakChecks checks) {
    this.ledger = ledger;
    this.held = held;
    this.effects = effects;
    this.checks = checks;
  }

  /** How many instances were checked. */
  int check() {
    ledger.created.forEach(
        (id, script) -> {
          Held h = held.get(id);
          if (h != null) {
            checked++;
            check(id, script, h);
          }
        });
    return checked;
  }

  private void check(String id, SoakScript script, Held h) {
    Optional<StatusChange> lastAction =
        h.history().stream().filter(r -> SoakChecks.isAction(r.trigger())).reduce((a, b) -> b);
    boolean terminated = lastAction.map(r -> TERMINATES.contains(r.trigger())).orElse(false);
    Status expected =
        terminated ? Status.TERMINATED : script.errors() ? Status.ERRORED : Status.COMPLETE;
    if (h.status() != expected) {
      checks.fail(
          "%s (%s script) ended %s, expected %s: %s",
          id, script.kind(), h.status(), expected, h.history());
      return;
    }
    if (!terminated) {
      ranAsScripted(id, script, h);
    }
  }

  private void ranAsScripted(String id, SoakScript script, Held h) {
    List<EffectLine> run = effects.currentRun(id);
    Map<String, Set<Integer>> started = SoakEffects.attemptsByStep(run, "do");
    for (SoakScript.DoStep step : script.doSteps()) {
      Set<Integer> expected =
          IntStream.rangeClosed(1, step.attempts())
              .boxed()
              .collect(Collectors.toCollection(TreeSet::new));
      Set<Integer> actual = new TreeSet<>(started.getOrDefault(step.step(), Set.of()));
      if (!actual.equals(expected)) {
        checks.fail(
            "%s: attempts of %s started in its current run %s, expected %s",
            id, step.step(), actual, expected);
      }
      recorded(id, step, h);
    }
    Set<String> rollbacks = SoakEffects.attemptsByStep(run, "rollback").keySet();
    Set<String> expectedRollbacks =
        Set.copyOf(script.errors() ? script.rollbacksOnFailure() : List.of());
    if (!rollbacks.equals(expectedRollbacks)) {
      checks.fail(
          "%s: rollback handlers of its current run %s, expected %s",
          id, rollbacks, expectedRollbacks);
    }
  }

  /** The store recorded the step with as many attempts as the script makes (none: no row). */
  private void recorded(String id, SoakScript.DoStep step, Held h) {
    Optional<StepRecord> row =
        h.steps().stream()
            .filter(r -> r.kind() == StepKind.DO && r.displayName().equals(step.step()))
            .findFirst();
    int attempts = row.map(SoakEffects::attemptsOf).orElse(0);
    StepStatus status = step.fails() ? StepStatus.ERRORED : StepStatus.COMPLETE;
    if (attempts != step.attempts() || (step.attempts() > 0 && row.get().status() != status)) {
      checks.fail(
          "%s: step %s recorded as %s, expected %s after %d attempts",
          id, step.step(), row, status, step.attempts());
    }
  }
}
