package dev.stepflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.CronTick;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.InstanceStore.MoveResult;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every store must do, run once per store implementation: atomic creates, compare-and-set
 * status moves with history in the same transaction, events refused by finished instances, paging,
 * kept counts that agree with the rows, and deletion by workflow and by retention.
 *
 * <p>The store contracts form one chain (this one, {@link ConcurrentWritesContract}, {@link
 * LeaseContract}); a store's IT extends the last, so it runs every contract once.
 */
public abstract class StoreContract extends StoreFixture {
  private static final Set<Status> DELETABLE = Transitions.TABLE.deletableStatuses();
  private static final Status ROLLING_BACK = Status.ROLLING_BACK;

  @Test
  void createdInstanceIsQueuedOnTheNewestVersionWithACreationRow() {
    Instance created = create("a");
    assertThat(created.status()).isEqualTo(Status.QUEUED);
    assertThat(created.versionId())
        .isEqualTo(workflows().findWorkflow(WF).orElseThrow().versionId());
    assertThat(created.paramsJson()).isEqualTo("{\"n\":1}");
    assertThat(instances().history(created.ref()))
        .containsExactly(new StatusChange(null, Status.QUEUED, "create", "test", T0, false));
  }

  /**
   * A create answers the instances as the store then reads them: times cut to milliseconds as
   * stored, the columns the database fills in, a cron tick's schedule.
   */
  @Test
  void createdInstancesAreWhatTheStoreReadsBack() {
    Instant now = T0.plusNanos(123_456_789);
    CronTick tick = new CronTick("*/5 * * * *", T0.plusNanos(987_654_321));
    List<Instance> created =
        instances()
            .createInstances(
                WF,
                List.of(
                    new NewInstance("plain", null),
                    new NewInstance(
                        "ticked",
                        "[1,\"two\"]",
                        new Retention(60_000L, null),
                        FailurePolicy.PAUSE,
                        tick)),
                "test",
                now);

    assertThat(created)
        .containsExactly(
            instances().findInstance(WF.instance("plain")).orElseThrow(),
            instances().findInstance(WF.instance("ticked")).orElseThrow());
    assertThat(created.get(1).createdOn()).isEqualTo(T0.plusMillis(123));
    assertThat(created.get(1).schedule().scheduledTime()).isEqualTo(T0.plusMillis(987));
  }

  @Test
  void createIsAllOrNothingWhenAnIdExists() {
    create("taken");
    List<NewInstance> batch = List.of(new NewInstance("new", null), new NewInstance("taken", null));
    assertThatThrownBy(() -> instances().createInstances(WF, batch, "test", T0))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e -> assertThat(e.problems().getFirst().code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(instances().findInstance(WF.instance("new"))).isEmpty();
  }

  @Test
  void aRefusedCreateNamesEveryIdInUseButNoneOfItsOwn() {
    create("taken-1");
    create("taken-2");
    List<NewInstance> batch =
        List.of(
            new NewInstance("new-1", null),
            new NewInstance("taken-1", null),
            new NewInstance("new-2", null),
            new NewInstance("taken-2", null));
    assertThatThrownBy(() -> instances().createInstances(WF, batch, "test", T0))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.message())
                    .satisfiesExactly(
                        m -> assertThat(m).contains("'taken-1'"),
                        m -> assertThat(m).contains("'taken-2'")));
    assertThat(instances().findInstance(WF.instance("new-1"))).isEmpty();
    assertThat(instances().findInstance(WF.instance("new-2"))).isEmpty();
  }

  @Test
  void createInAMissingWorkflowFails() {
    assertThatThrownBy(
            () ->
                instances()
                    .createInstances(
                        new WorkflowRef("acct", "nope"),
                        List.of(new NewInstance("x", null)),
                        "t",
                        T0))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.problems().getFirst().code()).isEqualTo(ErrorCode.WORKFLOW_NOT_FOUND));
  }

  @Test
  void moveAppliesOnlyFromTheExpectedStatusAndRecordsHistory() {
    InstanceRef ref = create("m").ref();
    Instant t1 = T0.plusSeconds(1);
    assertThat(move(ref, Status.QUEUED, Action.PAUSE, t1)).isEqualTo(MoveResult.APPLIED);
    assertThat(move(ref, Status.QUEUED, Action.TERMINATE, t1)).isEqualTo(MoveResult.NOT_CURRENT);
    Instance paused = instances().findInstance(ref).orElseThrow();
    assertThat(paused.status()).isEqualTo(Status.PAUSED);
    assertThat(paused.statusChangedOn()).isEqualTo(t1);
    assertThat(instances().history(ref))
        .extracting(StatusChange::to)
        .containsExactly(Status.QUEUED, Status.PAUSED);
    assertThat(move(WF.instance("ghost"), Status.QUEUED, Action.PAUSE, t1))
        .isEqualTo(MoveResult.NOT_FOUND);
  }

  @Test
  void terminalMoveSetsTheEndAndRestartWipesRunState() {
    InstanceRef ref = create("r").ref();
    Instant t1 = T0.plusSeconds(1);
    move(ref, Status.QUEUED, Action.TERMINATE, t1);
    assertThat(instances().findInstance(ref).orElseThrow().endedOn()).isEqualTo(t1);
    Instant t2 = T0.plusSeconds(2);
    assertThat(move(ref, Status.TERMINATED, Action.RESTART, t2)).isEqualTo(MoveResult.APPLIED);
    Instance restarted = instances().findInstance(ref).orElseThrow();
    assertThat(restarted.endedOn()).isNull();
    assertThat(restarted.queuedOn()).isEqualTo(t2);
    assertThat(restarted.paramsJson()).isEqualTo("{\"n\":1}");
  }

  @Test
  void restartFromAMissingStepChangesNothing() {
    InstanceRef ref = create("s").ref();
    Decision.Move restart = (Decision.Move) Transitions.TABLE.decide(Status.QUEUED, Action.RESTART);
    Optional<StepRef> fromStep = Optional.of(new StepRef(StepKind.DO, "b", 1));
    assertThatThrownBy(
            () -> instances().decideAndMove(ref, s -> restart, "t", T0.plusSeconds(1), fromStep))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e -> assertThat(e.problems().getFirst().code()).isEqualTo(ErrorCode.CANNOT_RESTART));
    assertThat(instances().history(ref)).hasSize(1);
  }

  @Test
  void eventsAreBufferedInOrderAndRefusedOnceFinished() {
    InstanceRef ref = create("e").ref();
    EnumSet<Status> open = EnumSet.of(Status.QUEUED, Status.PAUSED);
    assertThat(instances().bufferEvent(ref, "go", "1", T0, open)).isEqualTo(MoveResult.APPLIED);
    assertThat(instances().bufferEvent(ref, "go", "2", T0, open)).isEqualTo(MoveResult.APPLIED);
    assertThat(instances().bufferedEvents(ref))
        .extracting(InstanceStore.BufferedEvent::payloadJson)
        .containsExactly("1", "2");
    move(ref, Status.QUEUED, Action.TERMINATE, T0);
    assertThat(instances().bufferEvent(ref, "go", "3", T0, open)).isEqualTo(MoveResult.NOT_CURRENT);
    assertThat(instances().bufferEvent(WF.instance("ghost"), "go", "3", T0, open))
        .isEqualTo(MoveResult.NOT_FOUND);
    move(ref, Status.TERMINATED, Action.RESTART, T0);
    assertThat(instances().bufferedEvents(ref)).isEmpty();
  }

  @Test
  void cursorPagesCoverEveryInstanceOnce() {
    for (int i = 0; i < 7; i++) {
      create("p" + i);
    }
    List<String> seen = new ArrayList<>();
    Optional<Long> after = Optional.empty();
    for (int pages = 0; pages < 10; pages++) {
      Page<Instance> page = listAll(false, after, 3);
      page.items().forEach(i -> seen.add(i.ref().instanceId()));
      assertThat(page.totalCount()).isEqualTo(7);
      if (page.nextCursor() == null) {
        break;
      }
      after = Optional.of(Long.parseLong(page.nextCursor()));
    }
    assertThat(seen).containsExactly("p6", "p5", "p4", "p3", "p2", "p1", "p0");
  }

  @Test
  void keptCountsAgreeWithCountingTheRowsThroughCreatesMovesDeletesAndFolds() throws Exception {
    JdbcEngineStore engine = new JdbcEngineStore(db());
    List<Action> actions = List.of(Action.PAUSE, Action.RESUME, Action.TERMINATE, Action.RESTART);
    for (int i = 0; i < 12; i++) {
      create("k" + i);
    }
    assertKeptCountsAgreeWithRows();
    runTogether(
        6,
        t -> {
          for (int i = 0; i < 20; i++) {
            Action action = actions.get((t + i) % actions.size());
            instances()
                .decideAndMove(
                    WF.instance("k" + ((t * 7 + i) % 12)),
                    status -> Transitions.TABLE.decide(status, action),
                    "t" + t,
                    T0.plusMillis(i),
                    Optional.empty());
            if (i % 5 == 0) {
              engine.foldInstanceCounts();
            }
          }
        });
    assertKeptCountsAgreeWithRows();
    engine.foldInstanceCounts();
    assertKeptCountsAgreeWithRows();

    assertThat(instances().deleteInstance(WF.instance("k0"), DELETABLE).result())
        .isEqualTo(MoveResult.APPLIED);
    InstanceRef expiring =
        instances()
            .createInstances(
                WF,
                List.of(new NewInstance("expiring", null, new Retention(null, 1_000L))),
                "t",
                T0)
            .getFirst()
            .ref();
    move(expiring, Status.QUEUED, Action.TERMINATE, T0);
    assertThat(engine.deleteExpired(T0.plusSeconds(2), Retention.SUCCEEDED, Retention.FAILED))
        .isEqualTo(1);
    assertKeptCountsAgreeWithRows();

    assertThat(workflows().deleteWorkflow(WF, DELETABLE).deleted()).isTrue();
    workflows()
        .putWorkflow(
            WF, new WorkflowDefinition("Scripted", "s", 100, new Retention(null, null)), T0);
    create("after");
    engine.foldInstanceCounts();
    assertThat(total(Optional.empty(), false)).isEqualTo(1);
    assertThat(total(Optional.of(Status.QUEUED), false)).isEqualTo(1);
  }

  /**
   * Every status (and none): the kept count equals a count of the rows (what a time filter does),
   * and so do the workflow's counts by status (GET workflow), which come from the kept counts too.
   */
  private void assertKeptCountsAgreeWithRows() {
    assertThat(total(Optional.empty(), false))
        .as("count of all")
        .isEqualTo(total(Optional.empty(), true));
    Map<Status, Long> counted = new EnumMap<>(Status.class);
    for (Status status : Status.values()) {
      long rows = total(Optional.of(status), true);
      assertThat(total(Optional.of(status), false)).as("count of %s", status).isEqualTo(rows);
      if (rows > 0) {
        counted.put(status, rows);
      }
    }
    assertThat(workflows().countInstances(WF)).isEqualTo(counted);
  }

  private long total(Optional<Status> status, boolean countRows) {
    Optional<Instant> from = countRows ? Optional.of(Instant.EPOCH) : Optional.empty();
    return instances()
        .listInstances(
            new InstanceQuery(WF, status, from, Optional.empty(), false, Optional.empty(), 0, 1))
        .totalCount();
  }

  @Test
  void deletingTheWorkflowDeletesItsVersionsAndInstances() {
    create("d");
    assertThat(workflows().deleteWorkflow(WF, DELETABLE).deleted()).isTrue();
    assertThat(instances().findInstance(WF.instance("d"))).isEmpty();
    assertThat(workflows().listVersions(WF, 0, 10).items()).isEmpty();
    assertThat(workflows().deleteWorkflow(WF, DELETABLE).found()).isFalse();
  }

  @Test
  void anInstanceInAStatusThatRefusesDeletionIsKeptAndItsStatusReported() {
    InstanceRef ref = rollingBack("rb").ref();
    InstanceStore.Deletion refused = instances().deleteInstance(ref, DELETABLE);
    assertThat(refused).isEqualTo(new InstanceStore.Deletion(MoveResult.NOT_CURRENT, ROLLING_BACK));
    assertThat(instances().findInstance(ref)).isPresent();
    assertThat(instances().deleteInstance(WF.instance("ghost"), DELETABLE).result())
        .isEqualTo(MoveResult.NOT_FOUND);
  }

  @Test
  void aWorkflowWithAnInstanceThatRefusesDeletionIsKeptWithAllItsInstances() {
    create("plain");
    rollingBack("rb-1");
    rollingBack("rb-2");
    WorkflowStore.Deletion refused = workflows().deleteWorkflow(WF, DELETABLE);
    assertThat(refused.found()).isTrue();
    assertThat(refused.deleted()).isFalse();
    assertThat(refused.held())
        .containsExactly(
            new WorkflowStore.HeldInstance("rb-1", ROLLING_BACK),
            new WorkflowStore.HeldInstance("rb-2", ROLLING_BACK));
    assertThat(refused.heldCount()).isEqualTo(2);
    assertThat(instances().findInstance(WF.instance("plain"))).isPresent();
    assertThat(workflows().findWorkflow(WF)).isPresent();
    assertKeptCountsAgreeWithRows();
  }

  /** An instance moved into rollingBack by the table's rows: paused, then terminate + rollback. */
  private Instance rollingBack(String id) {
    InstanceRef ref = create(id).ref();
    move(ref, Status.QUEUED, Action.PAUSE, T0);
    assertThat(move(ref, Status.PAUSED, Action.TERMINATE_WITH_ROLLBACK, T0))
        .isEqualTo(MoveResult.APPLIED);
    return instances().findInstance(ref).orElseThrow();
  }

  @Test
  void finishedInstancesAreDeletedOnceTheirRetentionRanOut() {
    InstanceRef keptByDefault = create("default").ref();
    InstanceRef ownRetention =
        instances()
            .createInstances(
                WF, List.of(new NewInstance("own", null, new Retention(null, 1_000L))), "t", T0)
            .getFirst()
            .ref();
    InstanceRef stillRunning = create("open").ref();
    move(keptByDefault, Status.QUEUED, Action.TERMINATE, T0);
    move(ownRetention, Status.QUEUED, Action.TERMINATE, T0);
    JdbcEngineStore engine = new JdbcEngineStore(db());

    assertThat(engine.deleteExpired(T0.plusSeconds(2), Retention.SUCCEEDED, Retention.FAILED))
        .isEqualTo(1);
    assertThat(instances().findInstance(ownRetention)).isEmpty();
    assertThat(instances().findInstance(keptByDefault)).isPresent();
    assertThat(instances().findInstance(stillRunning)).isPresent();
    assertThat(
            workflows()
                .findVersion(WF, workflows().findWorkflow(WF).orElseThrow().versionId())
                .orElseThrow()
                .defaultRetention())
        .isEqualTo(new Retention(60_000L, null));
  }
}
