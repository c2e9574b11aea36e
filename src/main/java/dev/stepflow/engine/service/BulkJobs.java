package dev.stepflow.engine.service;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.BulkAction;
import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.TransitionTable;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.BulkJobStore;
import dev.stepflow.store.WorkflowStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Bulk jobs as clients see them: start (a dry run answers at once), read, list, list items, cancel;
 * and wrangler's terminate-all, which is a bulk job that terminates every instance in a status
 * terminate applies to. The {@link BulkJobRunner} of each node does the work.
 */
public final class BulkJobs implements AutoCloseable {
  private static final Set<BulkAction> TERMINATING =
      Set.of(BulkAction.TERMINATE, BulkAction.TERMINATE_WITH_ROLLBACK);

  private final BulkJobStore store;
  private final WorkflowStore workflows;
  private final TransitionTable table;
  private final BulkJobRunner runner;
  private final Clock clock;

  /**
   * Jobs of {@code store}, worked by a runner of node {@code node} whose leases last {@code
   * leaseTime}; {@code alone} when no other node can open the store (see {@link BulkJobRunner}).
   */
  public BulkJobs(
      BulkJobStore store,
      WorkflowStore workflows,
      InstanceControl control,
      InstanceService instances,
      TransitionTable table,
      String node,
      Duration leaseTime,
      boolean alone,
      Clock clock) {
    this.store = store;
    this.workflows = workflows;
    this.table = table;
    this.clock = clock;
    this.runner =
        new BulkJobRunner(
            store,
            new BulkItemWork(control, instances, store, clock),
            node,
            leaseTime,
            alone,
            clock);
  }

  /** Starts working jobs: those created from now on, and those earlier processes left. */
  public void start() {
    runner.start();
  }

  /** Creates a job as the spec says; a dry run is complete in the answer. */
  public BulkJob start(WorkflowRef workflow, BulkJob.Spec spec) {
    return create(workflow, spec, Set.of()).orElseThrow();
  }

  /**
   * Starts a job that terminates every instance in {@code only} (by default, every status that
   * terminate moves out of), started by {@code origin}'s actor for its reason; empty when a job
   * that terminates instances of the workflow runs.
   */
  public Optional<BulkJob> startTerminateAll(
      WorkflowRef workflow, Optional<Status> only, ChangeOrigin origin) {
    List<Status> statuses = only.map(List::of).orElseGet(this::terminableStatuses);
    BulkJob.Filter filter =
        new BulkJob.Filter(statuses, Optional.empty(), Optional.empty(), List.of());
    BulkJob.Spec spec =
        new BulkJob.Spec(
            BulkAction.TERMINATE,
            Optional.empty(),
            filter,
            false,
            BulkJob.DEFAULT_MAX_PER_SECOND,
            origin);
    return create(workflow, spec, TERMINATING);
  }

  /** The statuses terminate-all may select: those a terminate moves an instance out of. */
  public List<Status> terminableStatuses() {
    return Arrays.stream(Status.values())
        .filter(s -> table.decide(s, Action.TERMINATE) instanceof Decision.Move)
        .toList();
  }

  /** Whether a job that terminates instances of the workflow is running, on any node. */
  public boolean terminating(WorkflowRef workflow) {
    requireWorkflow(workflow);
    return store.anyRunning(workflow, TERMINATING);
  }

  private Optional<BulkJob> create(
      WorkflowRef workflow, BulkJob.Spec spec, Set<BulkAction> unlessRunning) {
    Instant now = now();
    Optional<BulkJobStore.Preview> preview =
        spec.dryRun()
            ? Optional.of(BulkOutcomes.preview(spec.action(), workflow, table))
            : Optional.empty();
    String jobId = UUID.randomUUID().toString();
    Optional<BulkJob> job =
        store.create(jobId, workflow, spec, preview, runner.leaseFrom(now), now, unlessRunning);
    if (job.isPresent() && job.get().state() == BulkJob.State.RUNNING) {
      runner.wake();
    }
    return job;
  }

  public BulkJob get(WorkflowRef workflow, String jobId) {
    requireWorkflow(workflow);
    return store
        .find(workflow, jobId)
        .orElseThrow(() -> WorkflowException.bulkJobNotFound(workflow, jobId));
  }

  /** The workflow's jobs, newest first; {@code beforeSeq} is the cursor of the previous page. */
  public Page<BulkJob> list(
      WorkflowRef workflow, Optional<BulkJob.State> state, Optional<Long> beforeSeq, int limit) {
    requireWorkflow(workflow);
    return store.list(workflow, state, beforeSeq, limit);
  }

  /** The job's items in order; {@code afterPosition} is the cursor of the previous page. */
  public Page<BulkItem> items(
      WorkflowRef workflow,
      String jobId,
      Optional<BulkItem.Outcome> outcome,
      Optional<Long> afterPosition,
      int limit) {
    requireWorkflow(workflow);
    return store
        .items(workflow, jobId, outcome, afterPosition, limit)
        .orElseThrow(() -> WorkflowException.bulkJobNotFound(workflow, jobId));
  }

  /** Cancels a running job between two items; an ended job is answered as it is. */
  public BulkJob cancel(WorkflowRef workflow, String jobId) {
    requireWorkflow(workflow);
    return store
        .cancel(workflow, jobId, now())
        .orElseThrow(() -> WorkflowException.bulkJobNotFound(workflow, jobId));
  }

  private void requireWorkflow(WorkflowRef workflow) {
    if (workflows.findWorkflow(workflow).isEmpty()) {
      throw WorkflowException.workflowNotFound(workflow.accountId(), workflow.workflowName());
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Stops this node's work on jobs and releases them to other nodes. */
  @Override
  public void close() {
    runner.close();
  }
}
