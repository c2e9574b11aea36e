package dev.stepflow.http;

import dev.stepflow.api.model.BulkFilter;
import dev.stepflow.api.model.BulkItemOutcome;
import dev.stepflow.api.model.BulkJobItem;
import dev.stepflow.api.model.BulkJobRequest;
import dev.stepflow.api.model.BulkJobState;
import dev.stepflow.domain.BulkAction;
import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.WorkflowException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Bulk jobs between the wire and the domain: the request's members checked against each other (what
 * Bean Validation cannot see), and jobs and items written back. The wire enums map to the domain's
 * in one switch each.
 */
final class BulkMapper {
  private BulkMapper() {}

  /**
   * The job the request asks for, started by the call of {@code origin}; the body's reason, if it
   * has one, is the job's, else the call's. 400 (10002) for what cannot go.
   */
  static BulkJob.Spec spec(BulkJobRequest body, ChangeOrigin origin) {
    BulkAction action = action(body);
    if (body.getFrom() != null && action != BulkAction.RESTART) {
      throw WorkflowException.invalid(
          "'from' goes with action restart only (the action is " + action.label() + ").");
    }
    Optional<StepRef> from =
        Optional.ofNullable(body.getFrom()).map(f -> InstanceStatusResource.stepRef(f, "from"));
    int rate =
        body.getMaxPerSecond() == null ? BulkJob.DEFAULT_MAX_PER_SECOND : body.getMaxPerSecond();
    return new BulkJob.Spec(
        action,
        from,
        filter(body.getFilter()),
        Boolean.TRUE.equals(body.getDryRun()),
        rate,
        body.getReason() == null ? origin : origin.withReason(body.getReason()));
  }

  private static BulkAction action(BulkJobRequest body) {
    boolean rollback = Boolean.TRUE.equals(body.getRollback());
    BulkAction action =
        switch (body.getAction()) {
          case PAUSE -> BulkAction.PAUSE;
          case RESUME -> BulkAction.RESUME;
          case TERMINATE -> rollback ? BulkAction.TERMINATE_WITH_ROLLBACK : BulkAction.TERMINATE;
          case RESTART -> BulkAction.RESTART;
          case DELETE -> BulkAction.DELETE;
        };
    if (body.getRollback() != null && !action.terminates()) {
      throw WorkflowException.invalid(
          "A rollback goes with action terminate only (the action is " + action.label() + ").");
    }
    return action;
  }

  private static BulkJob.Filter filter(BulkFilter wire) {
    if (wire == null) {
      return BulkJob.Filter.ALL;
    }
    Optional<Instant> after = WireMapper.instant(wire.getCreatedAfter());
    Optional<Instant> before = WireMapper.instant(wire.getCreatedBefore());
    if (after.isPresent() && before.isPresent() && !after.get().isBefore(before.get())) {
      throw WorkflowException.invalid(
          "'filter.created_after' ("
              + wire.getCreatedAfter()
              + ") must be before 'filter.created_before' ("
              + wire.getCreatedBefore()
              + "): no instance could match.");
    }
    List<dev.stepflow.domain.Status> statuses =
        wire.getStatus() == null
            ? List.of()
            : new LinkedHashSet<>(wire.getStatus().stream().map(WireMapper::status).toList())
                .stream().toList();
    List<String> ids =
        wire.getIds() == null ? List.of() : List.copyOf(new LinkedHashSet<>(wire.getIds()));
    return new BulkJob.Filter(statuses, after, before, ids);
  }

  static dev.stepflow.api.model.BulkJob job(BulkJob job) {
    BulkJob.Counts n = job.counts();
    BulkJob.Spec spec = job.spec();
    return new dev.stepflow.api.model.BulkJob(
            job.jobId(),
            state(job.state()),
            action(spec.action()),
            spec.action() == BulkAction.TERMINATE_WITH_ROLLBACK,
            spec.dryRun(),
            spec.maxPerSecond(),
            HistoryMapper.actor(spec.startedBy().actor(), spec.startedBy().actorName()),
            n.matched(),
            n.applied(),
            n.skipped(),
            n.failed(),
            n.cancelled(),
            n.pending(),
            n.wouldApply(),
            n.wouldSkip(),
            WireMapper.time(job.createdOn()),
            WireMapper.time(job.endedOn()))
        .from(spec.restartFrom().map(InstanceStatusResource::wire).orElse(null))
        .filter(filter(spec.filter()))
        .reason(spec.reason().orElse(null))
        .requestId(spec.startedBy().requestId());
  }

  private static BulkFilter filter(BulkJob.Filter filter) {
    BulkFilter wire = new BulkFilter();
    if (!filter.statuses().isEmpty()) {
      wire.setStatus(filter.statuses().stream().map(WireMapper::status).toList());
    }
    filter.createdAfter().map(WireMapper::time).ifPresent(wire::setCreatedAfter);
    filter.createdBefore().map(WireMapper::time).ifPresent(wire::setCreatedBefore);
    if (!filter.ids().isEmpty()) {
      wire.setIds(filter.ids());
    }
    return wire;
  }

  private static dev.stepflow.api.model.BulkAction action(BulkAction action) {
    return switch (action) {
      case PAUSE -> dev.stepflow.api.model.BulkAction.PAUSE;
      case RESUME -> dev.stepflow.api.model.BulkAction.RESUME;
      case TERMINATE, TERMINATE_WITH_ROLLBACK -> dev.stepflow.api.model.BulkAction.TERMINATE;
      case RESTART -> dev.stepflow.api.model.BulkAction.RESTART;
      case DELETE -> dev.stepflow.api.model.BulkAction.DELETE;
    };
  }

  static BulkJobState state(BulkJob.State state) {
    return switch (state) {
      case RUNNING -> BulkJobState.RUNNING;
      case COMPLETE -> BulkJobState.COMPLETE;
      case CANCELLED -> BulkJobState.CANCELLED;
    };
  }

  static BulkJob.State state(BulkJobState wire) {
    return switch (wire) {
      case RUNNING -> BulkJob.State.RUNNING;
      case COMPLETE -> BulkJob.State.COMPLETE;
      case CANCELLED -> BulkJob.State.CANCELLED;
    };
  }

  static BulkJobItem item(BulkItem item) {
    return new BulkJobItem(
        item.instanceId(),
        outcome(item.outcome()),
        item.code(),
        item.message(),
        WireMapper.time(item.doneOn()));
  }

  private static BulkItemOutcome outcome(BulkItem.Outcome outcome) {
    return switch (outcome) {
      case PENDING -> BulkItemOutcome.PENDING;
      case APPLIED -> BulkItemOutcome.APPLIED;
      case SKIPPED -> BulkItemOutcome.SKIPPED;
      case FAILED -> BulkItemOutcome.FAILED;
      case CANCELLED -> BulkItemOutcome.CANCELLED;
      case WOULD_APPLY -> BulkItemOutcome.WOULD_APPLY;
      case WOULD_SKIP -> BulkItemOutcome.WOULD_SKIP;
    };
  }

  static BulkItem.Outcome outcome(BulkItemOutcome wire) {
    return switch (wire) {
      case PENDING -> BulkItem.Outcome.PENDING;
      case APPLIED -> BulkItem.Outcome.APPLIED;
      case SKIPPED -> BulkItem.Outcome.SKIPPED;
      case FAILED -> BulkItem.Outcome.FAILED;
      case CANCELLED -> BulkItem.Outcome.CANCELLED;
      case WOULD_APPLY -> BulkItem.Outcome.WOULD_APPLY;
      case WOULD_SKIP -> BulkItem.Outcome.WOULD_SKIP;
    };
  }
}
