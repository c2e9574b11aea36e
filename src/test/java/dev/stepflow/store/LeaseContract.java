package dev.stepflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepStatus;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.EngineStore.RunState;
import dev.stepflow.store.EngineStore.Started;
import dev.stepflow.store.EngineStore.StepStart;
import dev.stepflow.store.InstanceStore.MoveResult;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.jdbc.JdbcNodeStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The part of the store contract that lets several nodes share a store: claims give the claiming
 * node a lease, a live lease keeps other nodes away, renewal keeps it live, a node that leaves or
 * lets it end hands the instance over, and every takeover fences the run that held it. Run on every
 * store, so that a node alone with SQLite behaves as one node of a cluster does.
 */
public abstract class LeaseContract extends ConcurrentWritesContract {
  private static final Duration LEASE = Duration.ofSeconds(15);
  private static final Instant AFTER_LEASE = T0.plus(LEASE).plusMillis(1);
  private static final Decision.Move START =
      (Decision.Move) Transitions.TABLE.decide(Status.QUEUED, EngineEvent.RUN_STARTED);

  private JdbcEngineStore engine() {
    return new JdbcEngineStore(db());
  }

  private JdbcNodeStore nodes() {
    return new JdbcNodeStore(db());
  }

  private static Owner owner(String node, Instant at) {
    return new Owner(node, at.plus(LEASE));
  }

  private RunLease claim(String node, Instance instance, Instant at) {
    return engine()
        .claim(instance.seq(), 0, START, owner(node, at), at, "engine", at)
        .orElseThrow();
  }

  private static StepRecord step(int seq) {
    return StepRecord.running(seq, StepKind.DO, "s" + seq, 1, T0, "{}", false);
  }

  /**
   * A workflow "limited" whose version allows 2 runs at once, with {@code n} queued: l0, l1, ...
   */
  private WorkflowRef limitedToTwoWithQueued(int n) {
    WorkflowRef limited = new WorkflowRef("acct", "limited");
    workflows()
        .putWorkflow(
            limited,
            new WorkflowDefinition("Scripted", "s", 100, new Retention(null, null), 2),
            T0);
    instances()
        .createInstances(
            limited,
            IntStream.range(0, n).mapToObj(i -> new NewInstance("l" + i, null)).toList(),
            "t",
            T0);
    return limited;
  }

  /** The move a claim makes from {@code status}, as the engine's dispatcher asks for it. */
  public static Optional<Decision.Move> startMove(Status status) {
    return Transitions.TABLE.decide(status, EngineEvent.RUN_STARTED) instanceof Decision.Move m
        ? Optional.of(m)
        : Transitions.TABLE.decide(status, EngineEvent.WAIT_ENDED) instanceof Decision.Move w
            ? Optional.of(w)
            : Optional.empty();
  }

  @Test
  void aLiveLeaseKeepsOtherNodesAwayAndATakeoverAfterItFencesTheOldRun() {
    Instance x = create("x");
    RunLease a = claim("a", x, T0);
    JdbcEngineStore engine = engine();
    Instant during = T0.plusSeconds(5);
    assertThat(engine.orphans(Status.RUNNING, during, null, Optional.empty(), 10)).isEmpty();
    assertThat(engine.takeOver(x.seq(), a.runId(), Status.RUNNING, owner("b", during), during))
        .isEmpty();

    assertThat(engine.orphans(Status.RUNNING, AFTER_LEASE, null, Optional.empty(), 10))
        .extracting(c -> c.instance().seq())
        .containsExactly(x.seq());
    RunLease b =
        engine
            .takeOver(x.seq(), a.runId(), Status.RUNNING, owner("b", AFTER_LEASE), AFTER_LEASE)
            .orElseThrow();
    assertThat(b.runId()).isEqualTo(a.runId() + 1);
    assertThat(engine.insertStep(a, List.of(), step(0)))
        .as("the old run records nothing")
        .isFalse();
    assertThat(engine.insertStep(b, List.of(), step(0))).as("the new run records").isTrue();
    assertThat(engine.runState(x.seq())).contains(new RunState(Status.RUNNING, b.runId()));
  }

  @Test
  void theStepsOfManyInstancesReadTogetherAreTheStepsEachReadAlone() {
    // more than one read's worth (256), a count that is no power of two, and instances with none
    JdbcEngineStore engine = engine();
    List<Long> seqs = new ArrayList<>();
    Map<Long, List<StepRecord>> alone = new HashMap<>();
    for (int i = 0; i < 301; i++) {
      Instance x = create("x" + i);
      RunLease run = claim("a", x, T0);
      for (int s = 0; s < i % 3; s++) {
        String output = "{\"instance\":" + i + ",\"step\":" + s + "}";
        assertThat(engine.insertStep(run, List.of(), step(s).completed(T0, output, "[]"))).isTrue();
      }
      seqs.add(x.seq());
      if (i % 3 > 0) {
        alone.put(x.seq(), engine.steps(x.seq()));
      }
    }
    seqs.add(seqs.getLast() + 1_000); // no such instance

    Map<Long, List<StepRecord>> together = engine.steps(seqs);
    assertThat(together).isEqualTo(alone);
    assertThat(together.get(seqs.get(2)))
        .extracting(StepRecord::outputJson)
        .containsExactly("{\"instance\":2,\"step\":0}", "{\"instance\":2,\"step\":1}");
    assertThat(engine.steps(List.of(seqs.get(1))))
        .isEqualTo(Map.of(seqs.get(1), alone.get(seqs.get(1))));
  }

  @Test
  void aStepsOutputIsWrittenWithItsStepAndNeverForAFencedRun() {
    Instance x = create("x");
    RunLease a = claim("a", x, T0);
    RunLease b =
        engine()
            .takeOver(x.seq(), a.runId(), Status.RUNNING, owner("b", AFTER_LEASE), AFTER_LEASE)
            .orElseThrow();
    JdbcEngineStore engine = engine();
    StepRecord first = step(0);
    assertThat(engine.insertStep(a, List.of(), first.completed(T0, "{\"by\":\"a\"}", "[]")))
        .isFalse();
    assertThat(engine.steps(x.seq())).as("nothing of the fenced run's insert").isEmpty();

    assertThat(engine.insertStep(b, List.of(), first)).isTrue();
    assertThat(engine.updateStep(b, List.of(), first.completed(T0, "{\"by\":\"b\"}", "[]")))
        .isTrue();
    assertThat(engine.updateStep(a, List.of(), first.completed(T0, "{\"by\":\"a\"}", "[]")))
        .isFalse();
    StepRecord second = step(1).completed(T0, "{\"second\":true}", "[]");
    assertThat(engine.insertStep(b, List.of(), second)).isTrue();

    assertThat(engine.steps(x.seq()))
        .extracting(StepRecord::outputJson)
        .containsExactly("{\"by\":\"b\"}", "{\"second\":true}");
  }

  @Test
  void aStepStartsOnlyWhileTheRunCarriesOnAndSaysWhatHeldItBack() {
    Instance x = create("x");
    RunLease a = claim("a", x, T0);
    JdbcEngineStore engine = engine();
    StepRecord first = step(0);
    assertThat(engine.startStep(a, List.of(), first)).isEqualTo(new StepStart.Started());

    Decision pause = Transitions.TABLE.decide(Status.RUNNING, Action.PAUSE);
    assertThat(
            instances().decideAndMove(x.ref(), s -> pause, "test", T0, Optional.empty()).result())
        .isEqualTo(MoveResult.APPLIED);
    StepRecord firstDone = first.completed(T0, "{\"done\":1}", "[]");
    assertThat(engine.startStep(a, List.of(firstDone), step(1)))
        .as("a pause is pending: the step waits, the finished one is recorded")
        .isEqualTo(new StepStart.Held(Status.WAITING_FOR_PAUSE));
    assertThat(engine.steps(x.seq()))
        .extracting(StepRecord::stepSeq, StepRecord::outputJson)
        .containsExactly(tuple(0, "{\"done\":1}"));

    RunLease b =
        engine
            .takeOver(
                x.seq(), a.runId(), Status.WAITING_FOR_PAUSE, owner("b", AFTER_LEASE), AFTER_LEASE)
            .orElseThrow();
    assertThat(engine.startStep(a, List.of(), step(1))).isEqualTo(new StepStart.Fenced());
    assertThat(engine.steps(x.seq())).hasSize(1);
    assertThat(b.runId()).isEqualTo(a.runId() + 1);
  }

  @Test
  void ofTwoNodesTakingOneOrphanOverExactlyOneGetsIt() throws Exception {
    for (int round = 0; round < 10; round++) {
      Instance x = create("orphan-" + round);
      RunLease dead = claim("dead", x, T0);
      List<RunLease> won = Collections.synchronizedList(new ArrayList<>());
      runTogether(
          2,
          t ->
              engine()
                  .takeOver(
                      x.seq(),
                      dead.runId(),
                      Status.RUNNING,
                      owner("n" + t, AFTER_LEASE),
                      AFTER_LEASE)
                  .ifPresent(won::add));
      assertThat(won).as("round %d", round).hasSize(1);
    }
  }

  @Test
  void renewalKeepsTheLeasesTheNodeHoldsAndLeavesOutTheOnesItLost() {
    Instance x = create("x");
    Instance y = create("y");
    RunLease ax = claim("a", x, T0);
    RunLease ay = claim("a", y, T0);
    engine()
        .takeOver(y.seq(), ay.runId(), Status.RUNNING, owner("b", AFTER_LEASE), AFTER_LEASE)
        .orElseThrow();

    Instant renewedAt = AFTER_LEASE.plusMillis(1);
    assertThat(nodes().renew("a", List.of(ax, ay), renewedAt, renewedAt.plus(LEASE)))
        .containsExactly(ax);
    Instant later = renewedAt.plusSeconds(5);
    assertThat(engine().takeOver(x.seq(), ax.runId(), Status.RUNNING, owner("b", later), later))
        .as("x's lease was renewed: it is not b's to take")
        .isEmpty();
  }

  @Test
  void aNodeThatLeavesHandsItsInstancesOverAtOnce() {
    assertThat(nodes().join("a", T0, LEASE)).isEmpty();
    Instance x = create("x");
    RunLease a = claim("a", x, T0);
    nodes().leave("a");
    Instant soon = T0.plusSeconds(1);
    assertThat(engine().orphans(Status.RUNNING, soon, null, Optional.empty(), 10))
        .extracting(c -> c.instance().seq())
        .containsExactly(x.seq());
    assertThat(engine().takeOver(x.seq(), a.runId(), Status.RUNNING, owner("b", soon), soon))
        .isPresent();
  }

  @Test
  void aMoveThatInterruptsTheRunFencesItAtOnceAndLeavesTheRollbackToItsNode() {
    Instance x = create("x");
    RunLease a = claim("a", x, T0);
    Decision terminate = Transitions.TABLE.decide(Status.RUNNING, Action.TERMINATE_WITH_ROLLBACK);
    assertThat(
            instances()
                .decideAndMove(x.ref(), s -> terminate, "test", T0, Optional.empty())
                .result())
        .isEqualTo(MoveResult.APPLIED);

    JdbcEngineStore engine = engine();
    assertThat(engine.runState(x.seq())).contains(new RunState(Status.ROLLING_BACK, a.runId() + 1));
    assertThat(engine.insertStep(a, List.of(), step(0)))
        .as("the interrupted run records nothing")
        .isFalse();
    Instant during = T0.plusSeconds(1);
    assertThat(engine.orphans(Status.ROLLING_BACK, during, null, Optional.empty(), 10))
        .as("a's lease is live: no other node compensates")
        .isEmpty();
    assertThat(engine.orphans(Status.ROLLING_BACK, during, "a", Optional.empty(), 10))
        .extracting(c -> c.instance().seq())
        .containsExactly(x.seq());
    assertThat(
            engine.takeOver(
                x.seq(), a.runId() + 1, Status.ROLLING_BACK, owner("a", during), during))
        .isPresent();
  }

  @Test
  void stepsThatFinishedWithoutAWriteAreRecordedByTheRunsNextWriteOnlyWhileItsLeaseHolds() {
    Instance x = create("x");
    RunLease a = claim("a", x, T0);
    JdbcEngineStore engine = engine();
    StepRecord nap =
        StepRecord.waiting(0, StepKind.SLEEP, "nap", 1, T0, T0.plusSeconds(1), false, null);
    assertThat(engine.insertStep(a, List.of(), nap)).isTrue();
    Instant woke = T0.plusSeconds(2);
    StepRecord napDone = nap.completed(woke, null, null);

    assertThat(engine.insertStep(a, List.of(napDone), step(1))).isTrue();
    assertThat(engine.steps(x.seq()))
        .extracting(StepRecord::name, StepRecord::status, StepRecord::endedOn)
        .containsExactly(
            tuple("nap", StepStatus.COMPLETE, woke), tuple("s1", StepStatus.RUNNING, null));

    StepRecord secondNap =
        StepRecord.waiting(2, StepKind.SLEEP, "nap", 2, T0, T0.plusSeconds(1), false, null);
    assertThat(engine.insertStep(a, List.of(), secondNap)).isTrue();
    RunLease b =
        engine
            .takeOver(x.seq(), a.runId(), Status.RUNNING, owner("b", AFTER_LEASE), AFTER_LEASE)
            .orElseThrow();
    Decision.Move succeed =
        (Decision.Move) Transitions.TABLE.decide(Status.RUNNING, EngineEvent.RUN_SUCCEEDED);
    assertThat(
            engine.moveRun(
                a, List.of(secondNap.completed(woke, null, null)), succeed, RunUpdate.none(), woke))
        .as("the old run records nothing, neither its move nor the step it carries")
        .isFalse();
    assertThat(engine.steps(x.seq()).getLast().status()).isEqualTo(StepStatus.WAITING);
    assertThat(engine.runState(x.seq())).contains(new RunState(Status.RUNNING, b.runId()));
  }

  /**
   * Params and an output too long for the instance row are kept apart from it, and read back the
   * same wherever the instance is read: by id, in a claim, in a list page. A restart wipes a long
   * output as it does a short one, and keeps the params.
   */
  @Test
  void longParamsAndOutputReadBackTheSameWhereverTheInstanceIsRead() {
    String longParams = "{\"text\":\"" + "p".repeat(5_000) + "\"}";
    String longOutput = "\"" + "o".repeat(5_000) + "\"";
    instances()
        .createInstances(
            WF,
            List.of(new NewInstance("long", longParams), new NewInstance("short", "[1]")),
            "test",
            T0);
    Instant at = T0.plusSeconds(1);

    List<Started> started =
        engine().claimDue(at, 10, owner("a", at), SCRIPTED, LeaseContract::startMove);
    assertThat(started)
        .extracting(s -> s.candidate().instance().paramsJson())
        .containsExactlyInAnyOrder(longParams, "[1]");
    Decision.Move succeed =
        (Decision.Move) Transitions.TABLE.decide(Status.RUNNING, EngineEvent.RUN_SUCCEEDED);
    for (Started s : started) {
      String output =
          s.candidate().instance().ref().instanceId().equals("long") ? longOutput : "\"short\"";
      assertThat(engine().moveRun(s.lease(), List.of(), succeed, RunUpdate.succeeded(output), at))
          .isTrue();
    }

    Instance longOne = instances().findInstance(WF.instance("long")).orElseThrow();
    assertThat(longOne.paramsJson()).isEqualTo(longParams);
    assertThat(longOne.outputJson()).isEqualTo(longOutput);
    assertThat(instances().findInstance(WF.instance("short")).orElseThrow().outputJson())
        .isEqualTo("\"short\"");
    assertThat(listAll(false, Optional.empty(), 10).items())
        .extracting(i -> i.ref().instanceId(), Instance::paramsJson, Instance::outputJson)
        .containsExactlyInAnyOrder(
            tuple("long", longParams, longOutput), tuple("short", "[1]", "\"short\""));

    assertThat(move(WF.instance("long"), Status.COMPLETE, Action.RESTART, at.plusSeconds(1)))
        .isEqualTo(MoveResult.APPLIED);
    Instance restarted = instances().findInstance(WF.instance("long")).orElseThrow();
    assertThat(restarted.outputJson()).isNull();
    assertThat(restarted.paramsJson()).isEqualTo(longParams);
  }

  @Test
  void aRunThatSuspendsGivesUpItsLeaseSoAnyNodeMayWakeIt() {
    Instance x = create("x");
    RunLease a = claim("a", x, T0);
    Decision.Move suspend =
        (Decision.Move) Transitions.TABLE.decide(Status.RUNNING, EngineEvent.RUN_SUSPENDED);
    Instant wake = T0.plusSeconds(1);
    assertThat(engine().moveRun(a, List.of(), suspend, RunUpdate.suspendedUntil(wake, null), T0))
        .isTrue();

    Instant beforeLeaseEnd = T0.plusSeconds(2);
    List<Started> started =
        engine()
            .claimDue(
                beforeLeaseEnd, 10, owner("b", beforeLeaseEnd), SCRIPTED, LeaseContract::startMove);
    assertThat(started).extracting(s -> s.candidate().instance().seq()).containsExactly(x.seq());
    assertThat(started.getFirst().lease().runId()).isEqualTo(a.runId() + 1);
  }

  /**
   * A claim tells the run whether it has steps to replay, so that a fresh instance's run skips
   * reading them; an orphan's run always reads them, since its old run may record one until the
   * takeover fences it.
   */
  @Test
  void aClaimSaysWhetherTheInstanceMayHaveStepsToReplay() {
    JdbcEngineStore engine = engine();
    Instance slept = create("slept");
    RunLease a = claim("a", slept, T0);
    StepRecord nap =
        StepRecord.waiting(0, StepKind.SLEEP, "nap", 1, T0, T0.plusSeconds(1), false, null);
    assertThat(engine.insertStep(a, List.of(), nap)).isTrue();
    Decision.Move suspend =
        (Decision.Move) Transitions.TABLE.decide(Status.RUNNING, EngineEvent.RUN_SUSPENDED);
    assertThat(
            engine.moveRun(
                a, List.of(), suspend, RunUpdate.suspendedUntil(T0.plusSeconds(1), null), T0))
        .isTrue();
    create("fresh");
    Instance orphan = create("orphan");
    claim("a", orphan, T0);

    Instant later = T0.plusSeconds(2);
    assertThat(engine.claimDue(later, 10, owner("b", later), SCRIPTED, LeaseContract::startMove))
        .extracting(
            s -> s.candidate().instance().ref().instanceId(), s -> s.candidate().mayHaveSteps())
        .containsExactlyInAnyOrder(tuple("slept", true), tuple("fresh", false));
    assertThat(engine.orphans(Status.RUNNING, AFTER_LEASE, null, Optional.empty(), 10))
        .filteredOn(c -> c.instance().seq() == orphan.seq())
        .extracting(Candidate::mayHaveSteps)
        .containsExactly(true);
  }

  @Test
  void aNodeIdWhoseHeartbeatIsLiveJoinsOnlyOnceALeaseTimePassedSinceIt() {
    JdbcNodeStore nodes = nodes();
    assertThat(nodes.join("a", T0, LEASE)).isEmpty();
    assertThat(nodes.join("a", T0.plusSeconds(5), LEASE)).contains(T0);
    Instant beat = T0.plusSeconds(10);
    nodes.renew("a", List.of(), beat, beat.plus(LEASE));
    assertThat(nodes.join("a", T0.plusSeconds(20), LEASE)).contains(beat);
    assertThat(nodes.join("a", beat.plus(LEASE).plusMillis(1), LEASE)).isEmpty();
  }

  @Test
  void claimsOfDueWorkStartEachInstanceOnceWithinItsWorkflowsConcurrencyLimit() {
    WorkflowRef limited = limitedToTwoWithQueued(5);
    IntStream.range(0, 3).forEach(i -> create("free" + i));

    JdbcEngineStore engine = engine();
    List<Started> first =
        engine.claimDue(T0, 100, owner("a", T0), SCRIPTED, LeaseContract::startMove);
    assertThat(first)
        .extracting(s -> s.candidate().instance().ref().instanceId())
        .containsExactlyInAnyOrder("l0", "l1", "free0", "free1", "free2");
    assertThat(engine.claimDue(T0, 100, owner("b", T0), SCRIPTED, LeaseContract::startMove))
        .as("nothing more is due: the limited workflow is full")
        .isEmpty();
    assertThat(engine.orphans(Status.RUNNING, T0, null, Optional.empty(), 100))
        .as("every claim holds a live lease")
        .extracting(Candidate::runId)
        .isEmpty();
  }

  /**
   * Queued instances of a workflow at its concurrency limit are not in the way: the first claim
   * takes the limited workflow's two oldest and every other instance in queue order, though 300
   * blocked instances were queued before them; a version without a limit is not held by an earlier
   * version's; once a run ends, the next claim takes the oldest blocked instance.
   */
  @Test
  void instancesQueuedBehindAFullWorkflowHoldNoOtherBackAndTheQueueKeepsItsOrder() {
    WorkflowRef limited = limitedToTwoWithQueued(300);
    Instant later = T0.plusSeconds(1);
    instances().createInstances(WF, List.of(new NewInstance("free0", null)), "t", later);
    workflows()
        .putWorkflow(
            limited,
            new WorkflowDefinition("Scripted", "s", 100, new Retention(null, null)),
            later);
    instances()
        .createInstances(limited, List.of(new NewInstance("unlimited-version", null)), "t", later);
    instances()
        .createInstances(WF, List.of(new NewInstance("free1", null)), "t", later.plusMillis(1));

    JdbcEngineStore engine = engine();
    List<Started> first =
        engine.claimDue(T0, 3, owner("a", T0), SCRIPTED, LeaseContract::startMove);
    assertThat(first)
        .as("the oldest first, within the limit")
        .extracting(s -> s.candidate().instance().ref().instanceId())
        .containsExactly("l0", "l1", "free0");
    List<Started> rest =
        engine.claimDue(later, 100, owner("a", later), SCRIPTED, LeaseContract::startMove);
    assertThat(rest)
        .extracting(s -> s.candidate().instance().ref().instanceId())
        .containsExactly("unlimited-version", "free1");
    assertThat(engine.claimDue(later, 100, owner("a", later), SCRIPTED, LeaseContract::startMove))
        .isEmpty();

    Decision.Move succeed =
        (Decision.Move) Transitions.TABLE.decide(Status.RUNNING, EngineEvent.RUN_SUCCEEDED);
    assertThat(
            engine.moveRun(
                first.getFirst().lease(), List.of(), succeed, RunUpdate.succeeded("1"), later))
        .isTrue();
    assertThat(engine.claimDue(later, 100, owner("a", later), SCRIPTED, LeaseContract::startMove))
        .as("the instance of the version without a limit still runs: the workflow is full")
        .isEmpty();
    assertThat(
            engine.moveRun(
                rest.getFirst().lease(), List.of(), succeed, RunUpdate.succeeded("1"), later))
        .isTrue();
    assertThat(engine.oldestQueued()).contains(T0);
    assertThat(engine.claimDue(later, 100, owner("a", later), SCRIPTED, LeaseContract::startMove))
        .extracting(s -> s.candidate().instance().ref().instanceId())
        .containsExactly("l2");
  }

  @Test
  void theStateOfADeletedInstanceIsMissing() {
    Instance x = create("x");
    claim("a", x, T0);
    assertThat(instances().deleteInstance(x.ref(), Transitions.TABLE.deletableStatuses()).result())
        .isEqualTo(MoveResult.APPLIED);
    assertThat(engine().runState(x.seq())).isEmpty();
    assertThat(engine().runStates(List.of(x.seq()))).isEmpty();
  }
}
