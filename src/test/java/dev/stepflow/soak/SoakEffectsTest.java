package dev.stepflow.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.soak.SoakEffects.Attempt;
import dev.stepflow.soak.SoakEffects.Kill;
import dev.stepflow.soak.SoakStore.Held;
import dev.stepflow.testing.EffectLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The soak's effect rules on made-up logs: each rule fails when broken and passes otherwise. */
class SoakEffectsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Attempt S1 = new Attempt("i1", "do", "s-1", 1);

  private final SoakLedger ledger = new SoakLedger();

  @Test
  void anAttemptCommittedAtAKillThatStartsAgainAfterItIsAFailure() {
    List<EffectLine> lines = List.of(start(S1, 1), end(S1, 2), start(S1, 20));
    Kill kill = new Kill(0, at(10), 2, Set.of(S1), Set.of());

    SoakChecks checks = check(lines, List.of(kill), history());

    assertThat(checks.failures()).singleElement().asString().contains("had committed at kill 0");
  }

  @Test
  void anAttemptInFlightAtAKillMayRunAgainInTheNextProcess() {
    List<EffectLine> lines = List.of(start(S1, 1), start(S1, 20));
    Kill kill = new Kill(0, at(10), 1, Set.of(), Set.of());
    SoakChecks checks = new SoakChecks(ledger, Map.of("i1", held(history())));

    SoakEffects effects =
        new SoakEffects(lines, List.of(kill), Map.of("i1", held(history())), checks).check();

    assertThat(checks.failures()).isEmpty();
    assertThat(effects.reruns()).isOne();
  }

  @Test
  void anAttemptThatStartsTwiceInOneProcessIsAFailure() {
    List<EffectLine> lines = List.of(start(S1, 1), start(S1, 5));

    SoakChecks checks = check(lines, List.of(), history());

    assertThat(checks.failures()).singleElement().asString().contains("started twice in process 0");
  }

  @Test
  void aRestartAfterTheKillLetsCommittedStepsRunAgain() {
    List<EffectLine> lines = List.of(start(S1, 1), start(S1, 20));
    Kill kill = new Kill(0, at(3), 1, Set.of(S1), Set.of());
    List<StatusChange> history = history();
    history.add(new StatusChange(Status.RUNNING, Status.QUEUED, "restart", "t", at(10), false));

    SoakChecks checks = check(lines, List.of(kill), history);

    assertThat(checks.failures()).isEmpty();
  }

  @Test
  void anInstanceTerminatedAtAKillThatStartsAStepAfterItIsAFailure() {
    List<EffectLine> lines = List.of(start(S1, 1), start(new Attempt("i1", "do", "t-1", 1), 20));
    Kill kill = new Kill(0, at(10), 1, Set.of(S1), Set.of("i1"));

    SoakChecks checks = check(lines, List.of(kill), history());

    assertThat(checks.failures()).singleElement().asString().contains("was terminated at kill 0");
  }

  @Test
  void anAcknowledgedChangeMissingFromTheHistoryIsAFailure() {
    ledger.changes.add(new SoakLedger.Change("i1", "pause", "paused", at(7)));

    SoakChecks checks = new SoakChecks(ledger, Map.of("i1", held(history()))).all();

    assertThat(checks.failures())
        .anySatisfy(f -> assertThat(f).contains("is not in the history of i1"));
  }

  private SoakChecks check(List<EffectLine> lines, List<Kill> kills, List<StatusChange> history) {
    SoakChecks checks = new SoakChecks(ledger, Map.of("i1", held(history)));
    new SoakEffects(lines, kills, Map.of("i1", held(history)), checks).check();
    return checks;
  }

  private static List<StatusChange> history() {
    List<StatusChange> rows = new ArrayList<>();
    rows.add(new StatusChange(null, Status.QUEUED, "create", "t", T0, false));
    rows.add(new StatusChange(Status.QUEUED, Status.RUNNING, "RUN_STARTED", "t", at(1), false));
    return rows;
  }

  private static Held held(List<StatusChange> history) {
    return new Held(history.getLast().to(), history, List.of(), List.of());
  }

  private static EffectLine start(Attempt a, int second) {
    return new EffectLine("soak", a.instanceId(), a.kind(), a.step(), a.attempt(), at(second));
  }

  private static EffectLine end(Attempt a, int second) {
    return new EffectLine(
        "soak", a.instanceId(), a.kind() + "-end", a.step(), a.attempt(), at(second));
  }

  private static Instant at(int second) {
    return T0.plusSeconds(second);
  }
}
