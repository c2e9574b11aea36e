package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;
import static java.util.stream.Collectors.joining;

import dev.stepflow.api.InstanceBatchApi;
import dev.stepflow.api.model.BatchDeleteRequest;
import dev.stepflow.api.model.BatchDeleteResponse;
import dev.stepflow.api.model.BatchDeleteResult;
import dev.stepflow.api.model.BatchItemError;
import dev.stepflow.api.model.BatchTerminateResponse;
import dev.stepflow.api.model.BatchTerminateResult;
import dev.stepflow.api.model.DeletedInstance;
import dev.stepflow.api.model.InstanceBatchCreateResponse;
import dev.stepflow.api.model.InstanceCreateRequest;
import dev.stepflow.api.model.TerminateJobStart;
import dev.stepflow.api.model.TerminateJobStartResponse;
import dev.stepflow.api.model.TerminateJobStatus;
import dev.stepflow.api.model.TerminateJobStatusResponse;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.Limits;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.engine.service.BulkJobs;
import dev.stepflow.engine.service.InstanceControl;
import dev.stepflow.engine.service.InstanceService;
import dev.stepflow.engine.service.InstanceService.CreateRequest;
import dev.stepflow.engine.service.InstanceService.DeleteOutcome;
import dev.stepflow.engine.service.WorkflowService;
import jakarta.ws.rs.core.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.glassfish.jersey.internal.PropertiesDelegate;

/**
 * Operations on many instances: batch create, batch terminate, batch delete, and terminate-all,
 * whose jobs are durable bulk jobs ({@link BulkJobs}).
 */
public final class InstanceBatchResource implements InstanceBatchApi {
  @Context private PropertiesDelegate request;

  private final InstanceService instances;
  private final InstanceControl control;
  private final BulkJobs bulkJobs;
  private final WorkflowService workflows;

  public InstanceBatchResource(
      InstanceService instances,
      InstanceControl control,
      BulkJobs bulkJobs,
      WorkflowService workflows) {
    this.instances = instances;
    this.control = control;
    this.bulkJobs = bulkJobs;
    this.workflows = workflows;
  }

  @Override
  public InstanceBatchCreateResponse createInstanceBatch(
      String accountId,
      String workflowName,
      List<InstanceCreateRequest> body,
      String reason,
      String idempotencyKey) {
    List<CreateRequest> requests = new ArrayList<>(body.size());
    for (InstanceCreateRequest item : body) {
      requests.add(
          new CreateRequest(
              item.getInstanceId(),
              JsonValues.paramsText(item.getParams()),
              RetentionMapper.fromWire(
                  item.getInstanceRetention(), "[" + requests.size() + "].instance_retention"),
              FailurePolicies.fromWire(item.getOnFailure())));
    }
    var created =
        instances.create(
            new WorkflowRef(accountId, workflowName), requests, ControlCalls.origin(request));
    return new InstanceBatchCreateResponse(
        NONE, NONE, created.stream().map(InstanceMapper::created).toList(), true);
  }

  @Override
  public BatchTerminateResponse terminateInstanceBatch(
      String accountId,
      String workflowName,
      List<String> ids,
      String reason,
      String idempotencyKey) {
    Limits.requireBatchSize("instances to terminate", ids.size());
    WorkflowRef workflow = new WorkflowRef(accountId, workflowName);
    workflows.get(workflow);
    int terminated = 0;
    for (String id : new LinkedHashSet<>(ids)) {
      if (control.applyIfAllowed(
          workflow.instance(id), Action.TERMINATE, ControlCalls.origin(request))) {
        terminated++;
      }
    }
    return new BatchTerminateResponse(
        NONE, NONE, new BatchTerminateResult(BatchTerminateResult.StatusEnum.OK, terminated), true);
  }

  @Override
  public BatchDeleteResponse deleteInstanceBatch(
      String accountId,
      String workflowName,
      BatchDeleteRequest body,
      String reason,
      String idempotencyKey) {
    List<DeleteOutcome> outcomes =
        instances.deleteAll(new WorkflowRef(accountId, workflowName), body.getInstances());
    List<DeletedInstance> deleted = new ArrayList<>();
    List<BatchItemError> errors = new ArrayList<>();
    for (DeleteOutcome outcome : outcomes) {
      outcome
          .error()
          .ifPresentOrElse(
              error ->
                  errors.add(new BatchItemError(outcome.instanceId(), error.code(), error.key())),
              () -> deleted.add(new DeletedInstance(outcome.instanceId())));
    }
    return new BatchDeleteResponse(NONE, NONE, new BatchDeleteResult(deleted, errors), true);
  }

  /** wrangler's terminate-all status: running while a bulk job terminates instances. */
  @Override
  public TerminateJobStatusResponse getTerminateAllJob(String accountId, String workflowName) {
    var status =
        bulkJobs.terminating(new WorkflowRef(accountId, workflowName))
            ? TerminateJobStatus.StatusEnum.RUNNING
            : TerminateJobStatus.StatusEnum.NOT_RUNNING;
    return new TerminateJobStatusResponse(NONE, NONE, new TerminateJobStatus(status), true);
  }

  /**
   * wrangler's terminate-all: a durable bulk job that terminates the instances in {@code status},
   * or in every status terminate applies to; {@code already_running} while one terminates.
   */
  @Override
  public TerminateJobStartResponse startTerminateAllJob(
      String accountId, String workflowName, String status, String reason) {
    WorkflowRef workflow = new WorkflowRef(accountId, workflowName);
    workflows.get(workflow);
    Optional<Status> only = Optional.ofNullable(status).map(this::jobStatus);
    boolean started =
        bulkJobs.startTerminateAll(workflow, only, ControlCalls.origin(request)).isPresent();
    var result =
        started ? TerminateJobStart.StatusEnum.OK : TerminateJobStart.StatusEnum.ALREADY_RUNNING;
    return new TerminateJobStartResponse(NONE, NONE, new TerminateJobStart(result), true);
  }

  private Status jobStatus(String wire) {
    List<Status> terminable = bulkJobs.terminableStatuses();
    return WireNames.parseStatus(wire)
        .filter(terminable::contains)
        .orElseThrow(
            () ->
                WorkflowException.invalid(
                    "'status' must be one of "
                        + terminable.stream().map(WireNames::status).collect(joining(", "))
                        + " (got '"
                        + wire
                        + "')."));
  }
}
