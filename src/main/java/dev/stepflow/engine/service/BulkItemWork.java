package dev.stepflow.engine.service;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkItem.Outcome;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.ErrorKind;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Precondition;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.store.BulkItemReceipt;
import dev.stepflow.store.BulkJobStore;
import dev.stepflow.store.ItemAlreadySettled;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a bulk job's action to one item through the path a client's request takes: {@link
 * InstanceControl} for a status change (so the transition table decides, and the status history
 * records it as the job), {@link InstanceService} for a deletion. An applied change records its
 * item in its own transaction; any other outcome is recorded after it, which is safe because it
 * changed nothing.
 */
final class BulkItemWork {
  private static final Logger log = LoggerFactory.getLogger(BulkItemWork.class);

  /** Whether the item's outcome is recorded, or the job was lost to this node first. */
  enum Done {
    RECORDED,
    JOB_LOST
  }

  private final InstanceControl control;
  private final InstanceService instances;
  private final BulkJobStore jobs;
  private final Clock clock;

  BulkItemWork(InstanceControl control, InstanceService instances, BulkJobStore jobs, Clock clock) {
    this.control = control;
    this.instances = instances;
    this.jobs = jobs;
    this.clock = clock;
  }

  /**
   * Applies the job's action to {@code item} on behalf of {@code node}. A store that does not
   * answer throws (the item stays pending, and is applied again later); everything else is
   * recorded.
   */
  Done apply(BulkJob job, BulkItem item, String node) {
    BulkItemReceipt receipt = new BulkItemReceipt(job.jobId(), item.position(), node);
    InstanceRef ref = job.workflow().instance(item.instanceId());
    BulkItem.Result result;
    try {
      Optional<BulkItem.Result> notApplied =
          job.spec().action().control().isPresent()
              ? change(job, ref, job.spec().action().control().get(), receipt)
              : delete(ref, receipt);
      if (notApplied.isEmpty()) {
        return Done.RECORDED;
      }
      result = notApplied.get();
    } catch (ItemAlreadySettled settled) {
      return Done.JOB_LOST;
    } catch (WorkflowException e) {
      if (e.kind() == ErrorKind.UNAVAILABLE) {
        throw e;
      }
      result = BulkOutcomes.refused(Outcome.SKIPPED, e);
    } catch (RuntimeException e) {
      log.error(
          "Bulk job {} could not {} instance '{}'",
          job.jobId(),
          job.spec().action().label(),
          item.instanceId(),
          e);
      result = BulkOutcomes.failed(e);
    }
    return jobs.settle(receipt, result, now()) ? Done.RECORDED : Done.JOB_LOST;
  }

  /** Empty when the change applied (and recorded its item); else the no-op's outcome. */
  private Optional<BulkItem.Result> change(
      BulkJob job, InstanceRef ref, Action action, BulkItemReceipt receipt) {
    StatusOutcome outcome =
        control.apply(
            ref,
            action,
            job.spec().restartFrom(),
            job.changeOrigin(),
            Precondition.NONE,
            Optional.of(receipt));
    if (outcome.changed()) {
      return Optional.empty();
    }
    return Optional.of(
        BulkOutcomes.nothingToChange(Outcome.SKIPPED, ref.instanceId(), outcome.status()));
  }

  /** Empty when the instance was deleted (and its item recorded); else the refusal. */
  private Optional<BulkItem.Result> delete(InstanceRef ref, BulkItemReceipt receipt) {
    return instances
        .deleteForItem(ref, receipt)
        .map(refusal -> BulkOutcomes.refused(Outcome.SKIPPED, refusal));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
