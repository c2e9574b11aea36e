package dev.stepflow.engine.service;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.BulkAction;
import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkItem.Outcome;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.DeletionRefused;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Problem;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.TransitionRejected;
import dev.stepflow.domain.TransitionTable;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.BulkJobStore;

/**
 * The outcomes a bulk job records for its items, with the code and message that explain them: a
 * refusal is the 409 a client would get for the same change, word for word; a dry run judges each
 * instance by the transition table alone, as it is now.
 */
final class BulkOutcomes {
  private BulkOutcomes() {}

  /** The dry run of {@code action} on the instances of {@code workflow}, by {@code table}. */
  static BulkJobStore.Preview preview(
      BulkAction action, WorkflowRef workflow, TransitionTable table) {
    return (instanceId, status) ->
        action
            .control()
            .map(control -> previewControl(control, workflow, instanceId, status, table))
            .orElseGet(() -> previewDeletion(workflow, instanceId, status, table));
  }

  private static BulkItem.Result previewControl(
      Action action,
      WorkflowRef workflow,
      String instanceId,
      Status status,
      TransitionTable table) {
    return switch (table.decide(status, action)) {
      case Decision.Move move -> BulkItem.Result.of(Outcome.WOULD_APPLY);
      case Decision.NoOp noOp -> nothingToChange(Outcome.WOULD_SKIP, instanceId, status);
      case Decision.Reject reject ->
          refused(
              Outcome.WOULD_SKIP,
              new TransitionRejected(
                  workflow.instance(instanceId), status, action, reject.allowedActions()));
    };
  }

  private static BulkItem.Result previewDeletion(
      WorkflowRef workflow, String instanceId, Status status, TransitionTable table) {
    if (table.deletableStatuses().contains(status)) {
      return BulkItem.Result.of(Outcome.WOULD_APPLY);
    }
    return refused(
        Outcome.WOULD_SKIP,
        DeletionRefused.ofInstance(
            workflow.instance(instanceId), status, table.nextStatuses(status)));
  }

  /** An action that changed nothing: the instance was in the status it asks for already. */
  static BulkItem.Result nothingToChange(Outcome outcome, String instanceId, Status status) {
    return new BulkItem.Result(
        outcome,
        null,
        "Instance '"
            + instanceId
            + "' is "
            + WireNames.status(status)
            + " already; nothing to change.");
  }

  /** A change the store or the table refused, with the code and message a client would get. */
  static BulkItem.Result refused(Outcome outcome, WorkflowException refusal) {
    Problem problem = refusal.problems().getFirst();
    return new BulkItem.Result(outcome, problem.code().code(), problem.message());
  }

  /** An unexpected error: recorded as failed, with the internal error's code. */
  static BulkItem.Result failed(RuntimeException error) {
    return new BulkItem.Result(
        Outcome.FAILED,
        ErrorCode.INTERNAL.code(),
        "Unexpected error: " + error.getClass().getSimpleName() + ": " + error.getMessage());
  }
}
