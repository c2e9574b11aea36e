package dev.stepflow.engine.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.LoggedStep;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.engine.runtime.EngineHooks;
import dev.stepflow.store.BulkItemReceipt;
import dev.stepflow.store.InstanceStore;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.jdbc.JdbcWorkflowStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client action that the table allows must not be refused because other clients kept changing the
 * instance while it was being applied. The interleaving is forced: a rival client pauses or resumes
 * the instance right before each of the first {@link #RIVAL_MOVES} compare-and-sets of the action
 * under test, which is what many clients racing on one instance over HTTP produce. An allowed
 * action must then never be answered 409 "kept changing status" with x-should-retry: false and the
 * action's own "cannot ..." code.
 */
class InstanceControlContentionIT {
  private static final WorkflowRef WORKFLOW = new WorkflowRef("acc1", "hot");
  private static final InstanceRef HOT = WORKFLOW.instance("hot");
  private static final int RIVAL_MOVES = 5;

  @TempDir Path dataDir;

  @Test
  void restartIsAppliedEvenWhenRivalsChangeTheStatusBeforeEachAttempt() {
    Clock clock = Clock.systemUTC();
    try (SqliteDatabase db = SqliteDatabase.open(dataDir, Durability.PROCESS_CRASH)) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      new JdbcWorkflowStore(db)
          .putWorkflow(
              WORKFLOW,
              new WorkflowDefinition(
                  "Scripted", "s", WorkflowDefinition.DEFAULT_STEP_LIMIT, Retention.FOREVER),
              clock.instant());
      store.createInstances(
          WORKFLOW, List.of(new NewInstance("hot", null)), "test", clock.instant());
      InstanceControl rival =
          new InstanceControl(store, Transitions.TABLE, clock, EngineHooks.NONE);
      InstanceControl control =
          new InstanceControl(
              new RivalBeforeMoves(store, rival), Transitions.TABLE, clock, EngineHooks.NONE);

      StatusOutcome outcome = control.apply(HOT, Action.RESTART, Optional.empty(), "api");

      assertThat(outcome.status()).isEqualTo(Status.QUEUED);
      assertThat(store.history(HOT).getLast().trigger()).isEqualTo("restart");
    }
  }

  /**
   * The real store, except that before each of the first {@link #RIVAL_MOVES} compare-and-sets a
   * rival client flips the instance between queued and paused, so the status the caller decided
   * from is no longer current.
   */
  private static final class RivalBeforeMoves implements InstanceStore {
    private final InstanceStore store;
    private final InstanceControl rival;
    private int rivalMoves;

    RivalBeforeMoves(InstanceStore store, InstanceControl rival) {
      this.store = store;
      this.rival = rival;
    }

    @Override
    public MoveAttempt decideAndMove(
        InstanceRef ref,
        java.util.function.Function<dev.stepflow.domain.CurrentStatus, dev.stepflow.domain.Decision>
            decide,
        dev.stepflow.domain.ChangeOrigin origin,
        Instant at,
        Optional<StepRef> restartFrom,
        Optional<BulkItemReceipt> receipt) {
      rivalFirst(ref);
      return store.decideAndMove(ref, decide, origin, at, restartFrom, receipt);
    }

    private void rivalFirst(InstanceRef ref) {
      if (rivalMoves < RIVAL_MOVES) {
        rivalMoves++;
        Status current = store.findInstance(ref).orElseThrow().status();
        rival.apply(
            ref,
            current == Status.PAUSED ? Action.RESUME : Action.PAUSE,
            Optional.empty(),
            "rival");
      }
    }

    @Override
    public List<Instance> createInstances(
        WorkflowRef workflow,
        List<NewInstance> items,
        dev.stepflow.domain.ChangeOrigin origin,
        Instant now) {
      return store.createInstances(workflow, items, origin, now);
    }

    @Override
    public Optional<Instance> findInstance(InstanceRef ref) {
      return store.findInstance(ref);
    }

    @Override
    public Page<Instance> listInstances(InstanceQuery query) {
      return store.listInstances(query);
    }

    @Override
    public Deletion deleteInstance(
        InstanceRef ref,
        Set<Status> deletableStatuses,
        Optional<BulkItemReceipt> receipt,
        Instant at) {
      return store.deleteInstance(ref, deletableStatuses, receipt, at);
    }

    @Override
    public List<StatusChange> history(InstanceRef ref) {
      return store.history(ref);
    }

    @Override
    public Optional<Page<StatusChange>> historyPage(
        InstanceRef ref, Optional<Long> after, int size) {
      return store.historyPage(ref, after, size);
    }

    @Override
    public Optional<StepRecord> findStep(InstanceRef ref, StepRef step) {
      return store.findStep(ref, step);
    }

    @Override
    public List<StepRecord> steps(InstanceRef ref) {
      return store.steps(ref);
    }

    @Override
    public List<LoggedStep> stepLog(InstanceRef ref) {
      return store.stepLog(ref);
    }

    @Override
    public MoveResult bufferEvent(
        InstanceRef ref,
        String type,
        String payloadJson,
        Instant now,
        Set<Status> acceptingStatuses) {
      return store.bufferEvent(ref, type, payloadJson, now, acceptingStatuses);
    }

    @Override
    public List<BufferedEvent> bufferedEvents(InstanceRef ref) {
      return store.bufferedEvents(ref);
    }
  }
}
