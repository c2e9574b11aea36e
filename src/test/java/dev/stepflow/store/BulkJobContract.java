package dev.stepflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.BulkAction;
import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkItem.Outcome;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.store.BulkJobStore.Lease;
import dev.stepflow.store.jdbc.JdbcBulkJobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a store must do for bulk jobs: the selection fixed with the job, an applied item recorded in
 * the transaction of its change or the change not made at all (an item no longer pending, a job
 * cancelled, a node that lost the job), leases that another node may take once they ended, and
 * cancel. The last of the store contracts' chain.
 */
public abstract class BulkJobContract extends LeaseContract {
  private static final Instant LATER = T0.plusSeconds(60);

  private JdbcBulkJobStore jobs() {
    return new JdbcBulkJobStore(db());
  }

  private static BulkJob.Spec spec(BulkAction action, boolean dryRun) {
    return new BulkJob.Spec(
        action,
        Optional.empty(),
        BulkJob.Filter.ALL,
        dryRun,
        100,
        new ChangeOrigin("token:t", "ops", "why", "req-1"));
  }

  private BulkJob createJob(String id, BulkAction action, Lease lease) {
    return jobs()
        .create(id, WF, spec(action, false), Optional.empty(), lease, T0, Set.of())
        .orElseThrow();
  }

  private MoveResultOrRefusal restartWith(InstanceRef ref, BulkItemReceipt receipt) {
    try {
      return new MoveResultOrRefusal(
          instances()
              .decideAndMove(
                  ref,
                  instance -> Transitions.TABLE.decide(instance.status(), Action.RESTART),
                  ChangeOrigin.of("bulk:job"),
                  T0.plusSeconds(1),
                  Optional.empty(),
                  Optional.of(receipt))
              .result(),
          false);
    } catch (ItemAlreadySettled refused) {
      return new MoveResultOrRefusal(null, true);
    }
  }

  private record MoveResultOrRefusal(InstanceStore.MoveResult result, boolean refused) {}

  private long restarts(InstanceRef ref) {
    return instances().history(ref).stream().filter(c -> c.trigger().equals("restart")).count();
  }

  private List<BulkItem> items(String jobId) {
    return jobs().items(WF, jobId, Optional.empty(), Optional.empty(), 100).orElseThrow().items();
  }

  @Test
  void theSelectionIsFixedWhenTheJobIsCreated() {
    create("a");
    create("b");
    BulkJob job = createJob("j1", BulkAction.PAUSE, new Lease("node-a", LATER));
    create("c");

    assertThat(job.state()).isEqualTo(BulkJob.State.RUNNING);
    assertThat(job.counts().matched()).isEqualTo(2);
    assertThat(job.counts().pending()).isEqualTo(2);
    assertThat(items("j1")).extracting(BulkItem::instanceId).containsExactly("a", "b");
    assertThat(jobs().pending("j1", Long.MIN_VALUE, 10)).hasSize(2);
  }

  @Test
  void anAppliedItemIsRecordedWithItsChangeAndNeverAppliedTwice() {
    InstanceRef a = create("a").ref();
    createJob("j2", BulkAction.RESTART, new Lease("node-a", LATER));
    BulkItem item = jobs().pending("j2", Long.MIN_VALUE, 10).getFirst();
    BulkItemReceipt receipt = new BulkItemReceipt("j2", item.position(), "node-a");

    assertThat(restartWith(a, receipt).result()).isEqualTo(InstanceStore.MoveResult.APPLIED);
    assertThat(restartWith(a, receipt).refused()).as("the same item again").isTrue();

    assertThat(restarts(a)).isEqualTo(1);
    assertThat(items("j2").getFirst().outcome()).isEqualTo(Outcome.APPLIED);
    BulkJob job = jobs().find(WF, "j2").orElseThrow();
    assertThat(job.counts().applied()).isEqualTo(1);
    assertThat(job.counts().pending()).isZero();
  }

  @Test
  void aNodeThatLostTheJobToATakeoverChangesNothing() {
    InstanceRef a = create("a").ref();
    createJob("j3", BulkAction.RESTART, new Lease("node-a", T0.plusSeconds(5)));
    assertThat(jobs().claim("j3", new Lease("node-b", LATER), T0.plusSeconds(1)))
        .as("node-a's lease still runs")
        .isEmpty();
    assertThat(jobs().claimable("node-b", T0.plusSeconds(6))).containsExactly("j3");
    assertThat(jobs().claim("j3", new Lease("node-b", LATER), T0.plusSeconds(6))).isPresent();
    long position = items("j3").getFirst().position();

    assertThat(restartWith(a, new BulkItemReceipt("j3", position, "node-a")).refused()).isTrue();
    assertThat(jobs().renew("j3", new Lease("node-a", LATER))).isFalse();
    assertThat(restarts(a)).isZero();
    assertThat(restartWith(a, new BulkItemReceipt("j3", position, "node-b")).refused()).isFalse();
    assertThat(restarts(a)).isEqualTo(1);
  }

  @Test
  void aCleanShutdownReleasesTheJobToAnotherNodeAtOnce() {
    create("a");
    createJob("j9", BulkAction.PAUSE, new Lease("node-a", LATER));
    assertThat(jobs().claimable("node-b", T0.plusSeconds(1))).isEmpty();

    jobs().release("node-a");

    assertThat(jobs().claimable("node-b", T0.plusSeconds(1))).containsExactly("j9");
    assertThat(jobs().claim("j9", new Lease("node-b", LATER), T0.plusSeconds(1))).isPresent();
    assertThat(jobs().renew("j9", new Lease("node-a", LATER))).isFalse();
  }

  @Test
  void deletingTheWorkflowDeletesItsJobs() {
    create("a");
    createJob("j10", BulkAction.PAUSE, new Lease("node-a", LATER));

    workflows().deleteWorkflow(WF, Transitions.TABLE.deletableStatuses());

    assertThat(jobs().find(WF, "j10")).isEmpty();
    assertThat(jobs().claimable("node-a", LATER)).isEmpty();
    assertThat(jobs().pending("j10", Long.MIN_VALUE, 10)).isEmpty();
  }

  @Test
  void cancelEndsTheJobAndFencesItsItems() {
    InstanceRef a = create("a").ref();
    create("b");
    createJob("j4", BulkAction.RESTART, new Lease("node-a", LATER));
    List<BulkItem> pending = jobs().pending("j4", Long.MIN_VALUE, 10);
    assertThat(
            jobs()
                .settle(
                    new BulkItemReceipt("j4", pending.get(1).position(), "node-a"),
                    new BulkItem.Result(Outcome.SKIPPED, 10404, "no"),
                    T0))
        .isTrue();

    BulkJob cancelled = jobs().cancel(WF, "j4", T0.plusSeconds(2)).orElseThrow();

    assertThat(cancelled.state()).isEqualTo(BulkJob.State.CANCELLED);
    assertThat(cancelled.counts().cancelled()).isEqualTo(1);
    assertThat(cancelled.counts().skipped()).isEqualTo(1);
    assertThat(cancelled.endedOn()).isEqualTo(T0.plusSeconds(2));
    assertThat(items("j4"))
        .extracting(BulkItem::outcome)
        .containsExactly(Outcome.CANCELLED, Outcome.SKIPPED);
    BulkItemReceipt late = new BulkItemReceipt("j4", pending.getFirst().position(), "node-a");
    assertThat(restartWith(a, late).refused()).isTrue();
    assertThat(restarts(a)).isZero();
    assertThat(jobs().claimable("node-a", LATER)).isEmpty();
    assertThat(jobs().cancel(WF, "j4", LATER).orElseThrow().endedOn())
        .as("cancelling an ended job changes nothing")
        .isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void purgingDeletesJobsThatEndedBeforeTheCutoffWithTheirItemsAndNeverARunningJob() {
    create("a");
    create("b");
    BulkJob dryRun =
        jobs()
            .create(
                "ended-first",
                WF,
                spec(BulkAction.PAUSE, true),
                Optional.of((id, status) -> BulkItem.Result.of(Outcome.WOULD_APPLY)),
                new Lease("node-a", LATER),
                T0,
                Set.of())
            .orElseThrow();
    assertThat(dryRun.state()).isEqualTo(BulkJob.State.COMPLETE);
    createJob("cancelled-later", BulkAction.PAUSE, new Lease("node-a", LATER));
    assertThat(jobs().cancel(WF, "cancelled-later", T0.plusSeconds(30))).isPresent();
    createJob("running", BulkAction.RESUME, new Lease("node-a", LATER));

    assertThat(jobs().purgeEndedBefore(T0.plusSeconds(10))).isEqualTo(1);
    assertThat(jobs().find(WF, "ended-first")).isEmpty();
    assertThat(jobs().find(WF, "cancelled-later")).isPresent();

    assertThat(jobs().purgeEndedBefore(T0.plus(Duration.ofDays(365)))).isEqualTo(1);
    assertThat(jobs().find(WF, "cancelled-later")).isEmpty();
    assertThat(jobs().find(WF, "running")).as("a running job stays").isPresent();
    assertThat(itemRows()).as("only the running job's items are left").isEqualTo(2);
  }

  private long itemRows() {
    return db().read(
            c -> {
              try (var st = c.createStatement();
                  var rs = st.executeQuery("SELECT COUNT(*) FROM bulk_job_item")) {
                rs.next();
                return rs.getLong(1);
              }
            });
  }

  @Test
  void aDryRunIsCompleteAtOnceWithItsPreviewAndHoldsNoLease() {
    create("a");
    create("b");
    BulkJob job =
        jobs()
            .create(
                "j5",
                WF,
                spec(BulkAction.PAUSE, true),
                Optional.of(
                    (id, status) ->
                        id.equals("a")
                            ? BulkItem.Result.of(Outcome.WOULD_APPLY)
                            : new BulkItem.Result(Outcome.WOULD_SKIP, 10402, "no " + status)),
                new Lease("node-a", LATER),
                T0,
                Set.of())
            .orElseThrow();

    assertThat(job.state()).isEqualTo(BulkJob.State.COMPLETE);
    assertThat(job.counts().wouldApply()).isEqualTo(1);
    assertThat(job.counts().wouldSkip()).isEqualTo(1);
    assertThat(job.counts().pending()).isZero();
    assertThat(items("j5").get(1).message()).isEqualTo("no QUEUED");
    assertThat(jobs().claimable("node-b", LATER)).isEmpty();
  }

  @Test
  void aFilterThatSelectsMoreThanTheCapIsRefusedAndCreatesNothing() {
    create("a");
    create("b");
    create("c");
    JdbcBulkJobStore capped = new JdbcBulkJobStore(db(), 2);

    assertThatThrownBy(
            () ->
                capped.create(
                    "j8",
                    WF,
                    spec(BulkAction.PAUSE, false),
                    Optional.empty(),
                    new Lease("node-a", LATER),
                    T0,
                    Set.of()))
        .isInstanceOf(WorkflowException.class)
        .hasMessageStartingWith("The filter selects more than 2 instances")
        .extracting(e -> ((WorkflowException) e).problems().getFirst().code())
        .isEqualTo(ErrorCode.INVALID);
    assertThat(capped.find(WF, "j8")).isEmpty();
    assertThat(capped.list(WF, Optional.empty(), Optional.empty(), 10).items()).isEmpty();
  }

  @Test
  void aRunningJobWithAnExcludedActionPreventsAnother() {
    create("a");
    createJob("j6", BulkAction.TERMINATE, new Lease("node-a", LATER));
    Set<BulkAction> terminating = Set.of(BulkAction.TERMINATE, BulkAction.TERMINATE_WITH_ROLLBACK);

    assertThat(jobs().anyRunning(WF, terminating)).isTrue();
    assertThat(
            jobs()
                .create(
                    "j7",
                    WF,
                    spec(BulkAction.TERMINATE, false),
                    Optional.empty(),
                    new Lease("node-a", LATER),
                    T0,
                    terminating))
        .isEmpty();
    assertThat(jobs().find(WF, "j7")).isEmpty();
    assertThat(jobs().find(WF, "j6").orElseThrow().spec().reason()).contains("why");
  }
}
