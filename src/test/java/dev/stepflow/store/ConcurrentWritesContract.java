package dev.stepflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.InstanceStore.MoveAttempt;
import dev.stepflow.store.InstanceStore.MoveResult;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The part of the store contract about many threads writing at once (on a store with concurrent
 * writers, many connections): acknowledged writes are there after the database is reopened, a
 * failing write leaves the rest of its commit batch committed, and racing moves, restarts and
 * creates give the same answers and one valid history, as if they had run one after the other.
 */
public abstract class ConcurrentWritesContract extends StoreContract {
  @Test
  void concurrentWritesAreAllAcknowledgedAndStillThereAfterReopening() throws Exception {
    int writers = 16;
    int perWriter = 50;
    try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perWriter; i++) {
                    create("c-" + writer + "-" + i);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    reopen();
    Page<Instance> all = listAll(true, Optional.empty(), 1);
    assertThat(all.totalCount()).isEqualTo((long) writers * perWriter);
  }

  @Test
  void aFailingWriteInABatchLeavesTheOthersCommitted() throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = i % 2 == 0 ? "dup" : "ok-" + i;
        done.add(
            pool.submit(
                () -> {
                  try {
                    create(id);
                  } catch (WorkflowException expectedForDuplicates) {
                    assertThat(expectedForDuplicates.problems().getFirst().code())
                        .isEqualTo(ErrorCode.ALREADY_EXISTS);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    for (int i = 1; i < 40; i += 2) {
      assertThat(instances().findInstance(WF.instance("ok-" + i))).isPresent();
    }
    assertThat(instances().history(WF.instance("dup"))).hasSize(1);
  }

  @Test
  void racingActionsOnOneInstanceNeverLoseAndLeaveAValidHistory() throws Exception {
    InstanceRef ref = create("contested").ref();
    List<Action> actions = List.of(Action.PAUSE, Action.RESUME, Action.TERMINATE, Action.RESTART);
    int threads = 8;
    int perThread = 25;
    List<MoveAttempt> attempts = Collections.synchronizedList(new ArrayList<>());
    runTogether(
        threads,
        t -> {
          for (int i = 0; i < perThread; i++) {
            Action action = actions.get((t + i) % actions.size());
            attempts.add(
                instances()
                    .decideAndMove(
                        ref,
                        status -> Transitions.TABLE.decide(status, action),
                        "t" + t,
                        T0.plusMillis(i),
                        Optional.empty()));
          }
        });

    assertThat(attempts).hasSize(threads * perThread);
    assertThat(attempts)
        .as("the status a decision was made on is the one the move applies to")
        .noneMatch(a -> a.result() == MoveResult.NOT_CURRENT);
    long applied = attempts.stream().filter(a -> a.result() == MoveResult.APPLIED).count();
    List<StatusChange> history = instances().history(ref);
    assertThat(history).hasSize(1 + (int) applied);
    for (int i = 1; i < history.size(); i++) {
      assertThat(history.get(i).from())
          .as("row %d starts where row %d ended", i, i - 1)
          .isEqualTo(history.get(i - 1).to());
    }
    assertThat(instances().findInstance(ref).orElseThrow().status())
        .isEqualTo(history.getLast().to());
  }

  @Test
  void ofTwoWritersRacingOneTransitionExactlyOneMovesTheInstance() throws Exception {
    for (int round = 0; round < 10; round++) {
      InstanceRef ref = create("duel-" + round).ref();
      assertThat(race(ref, Action.PAUSE))
          .as("round %d, pause: one moves queued -> paused, the other finds it paused", round)
          .containsExactlyInAnyOrder(Decision.Move.class, Decision.NoOp.class);
      assertThat(race(ref, Action.RESUME))
          .as("round %d, resume: one moves paused -> queued, the other may not resume", round)
          .containsExactlyInAnyOrder(Decision.Move.class, Decision.Reject.class);
      assertThat(instances().history(ref))
          .extracting(StatusChange::to)
          .containsExactly(Status.QUEUED, Status.PAUSED, Status.QUEUED);
    }
  }

  /** Two threads apply {@code action} at once; returns the kind of decision each one got. */
  private List<Class<?>> race(InstanceRef ref, Action action) throws Exception {
    List<Class<?>> decisions = Collections.synchronizedList(new ArrayList<>());
    runTogether(
        2,
        t -> {
          MoveAttempt attempt =
              instances()
                  .decideAndMove(
                      ref,
                      status -> Transitions.TABLE.decide(status, action),
                      "t" + t,
                      T0,
                      Optional.empty());
          assertThat(attempt.result()).isNotEqualTo(MoveResult.NOT_CURRENT);
          decisions.add(attempt.decision().getClass());
        });
    return decisions;
  }

  @Test
  void aRestartRacingAStepOfTheOldRunLeavesNoStepOfThatRun() throws Exception {
    JdbcEngineStore engine = new JdbcEngineStore(db());
    Decision.Move start =
        (Decision.Move) Transitions.TABLE.decide(Status.QUEUED, EngineEvent.RUN_STARTED);
    for (int round = 0; round < 10; round++) {
      Instance created = create("fenced-" + round);
      RunLease lease =
          engine
              .claim(created.seq(), 0, start, new EngineStore.Owner("n", T0), T0, "engine", T0)
              .orElseThrow();
      runTogether(
          2,
          t -> {
            if (t == 0) {
              int stepSeq = 1;
              while (engine.insertStep(
                  lease,
                  List.of(),
                  StepRecord.running(stepSeq, StepKind.DO, "s", stepSeq, T0, "{}", false))) {
                stepSeq++;
              }
            } else {
              MoveAttempt restart =
                  instances()
                      .decideAndMove(
                          created.ref(),
                          status -> Transitions.TABLE.decide(status, Action.RESTART),
                          "test",
                          T0,
                          Optional.empty());
              assertThat(restart.result()).isEqualTo(MoveResult.APPLIED);
            }
          });
      assertThat(instances().steps(created.ref()))
          .as("round %d: a restart wipes every step, and the old run can add none after it", round)
          .isEmpty();
    }
  }

  @Test
  void ofWritersRacingToCreateOneIdExactlyOneCreatesItAndTheOthersAreToldItExists()
      throws Exception {
    for (int round = 0; round < 10; round++) {
      String id = "same-" + round;
      List<Object> outcomes = Collections.synchronizedList(new ArrayList<>());
      runTogether(
          4,
          t -> {
            try {
              outcomes.add(create(id).status());
            } catch (WorkflowException e) {
              outcomes.add(e.problems().getFirst().code());
            }
          });
      assertThat(outcomes)
          .as("round %d", round)
          .containsExactlyInAnyOrder(
              Status.QUEUED,
              ErrorCode.ALREADY_EXISTS,
              ErrorCode.ALREADY_EXISTS,
              ErrorCode.ALREADY_EXISTS);
      assertThat(instances().history(WF.instance(id))).hasSize(1);
    }
  }

  @Test
  void concurrentFirstPutsOfOneWorkflowAllSucceedAsVersionsOfOneWorkflow() throws Exception {
    WorkflowRef fresh = new WorkflowRef("acct", "fresh");
    int writers = 8;
    runTogether(
        writers,
        t ->
            workflows()
                .putWorkflow(
                    fresh,
                    new WorkflowDefinition("Scripted", "s" + t, 100, new Retention(null, null)),
                    T0));
    String workflowId = workflows().findWorkflow(fresh).orElseThrow().id();
    assertThat(workflows().listVersions(fresh, 0, 100).items())
        .hasSize(writers)
        .allSatisfy(v -> assertThat(v.workflowId()).isEqualTo(workflowId));
  }
}
