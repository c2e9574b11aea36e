package dev.stepflow.store;

import dev.stepflow.domain.BulkAction;
import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WorkflowRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence of bulk jobs and their items. A job's selection is written with the job, in one
 * transaction; each item's outcome is written with the job's counts, guarded by the job's state and
 * owner, so a cancelled job or a node that lost the job records nothing more. Like an instance's
 * run, a running job is held by one node at a time under a lease that the node renews; a job whose
 * lease has ended may be claimed by any node.
 */
public interface BulkJobStore {

  /** How a dry run judges each selected instance, by its id and current status. */
  @FunctionalInterface
  interface Preview {
    BulkItem.Result of(String instanceId, Status status);
  }

  /** The node that works a running job, and until when without renewal. */
  record Lease(String node, Instant until) {}

  /**
   * Creates job {@code jobId} with one item per instance of {@code workflow} that the spec's filter
   * selects now, oldest first: pending items held by {@code lease}, or for a dry run ({@code
   * preview} present) items judged by it and a job complete at once; a job with no items is
   * complete too. Empty, creating nothing, when a running job of the workflow has an action in
   * {@code unlessRunning}. Throws WORKFLOW_NOT_FOUND for an unknown workflow and INVALID when the
   * filter selects more than {@link BulkJob#MAX_ITEMS} instances (then nothing is created).
   */
  Optional<BulkJob> create(
      String jobId,
      WorkflowRef workflow,
      BulkJob.Spec spec,
      Optional<Preview> preview,
      Lease lease,
      Instant now,
      Set<BulkAction> unlessRunning);

  Optional<BulkJob> find(WorkflowRef workflow, String jobId);

  /** The workflow's jobs, newest first, after the job of {@code beforeSeq} (the cursor). */
  Page<BulkJob> list(
      WorkflowRef workflow, Optional<BulkJob.State> state, Optional<Long> beforeSeq, int limit);

  /**
   * The job's items in position order after {@code afterPosition} (the cursor); empty when the job
   * does not exist.
   */
  Optional<Page<BulkItem>> items(
      WorkflowRef workflow,
      String jobId,
      Optional<BulkItem.Outcome> outcome,
      Optional<Long> afterPosition,
      int limit);

  /** Whether a running job of the workflow has one of {@code actions}. */
  boolean anyRunning(WorkflowRef workflow, Set<BulkAction> actions);

  /**
   * Cancels the job if it runs: it ends, and its pending items become cancelled, in one
   * transaction. Returns the job as it is afterwards (unchanged if it had ended); empty when it
   * does not exist.
   */
  Optional<BulkJob> cancel(WorkflowRef workflow, String jobId, Instant now);

  /**
   * Ids of running jobs that {@code node} may claim at {@code now}: held by nobody, by a lease that
   * has ended, or by {@code node} itself.
   */
  List<String> claimable(String node, Instant now);

  /**
   * Takes job {@code jobId} for {@code lease}'s node if it is still claimable at {@code now}; the
   * job as claimed, or empty when another node holds it or it ended.
   */
  Optional<BulkJob> claim(String jobId, Lease lease, Instant now);

  /** Extends the node's lease on the job; false when the node no longer holds it or it ended. */
  boolean renew(String jobId, Lease lease);

  /** Up to {@code limit} pending items of the job after {@code afterPosition}, in order. */
  List<BulkItem> pending(String jobId, long afterPosition, int limit);

  /**
   * Records the outcome of an item that changed nothing (skipped, failed) with the job's counts;
   * false, recording nothing, when the item is no longer pending or the job no longer runs on the
   * receipt's node. An applied item is recorded with its change ({@link BulkItemReceipt}).
   */
  boolean settle(BulkItemReceipt receipt, BulkItem.Result result, Instant at);

  /**
   * Ends the job as complete if it runs on {@code node} and has no pending item; the job as it is
   * afterwards.
   */
  Optional<BulkJob> completeIfDone(String jobId, String node, Instant now);

  /** A clean shutdown: the node's jobs are released so that other nodes claim them at once. */
  void release(String node);

  /**
   * Deletes the jobs that ended (complete or cancelled) before {@code cutoff}, with their items;
   * running jobs stay whatever their age. Returns how many jobs were deleted.
   */
  int purgeEndedBefore(Instant cutoff);
}
