package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.WorkflowsApi;
import dev.stepflow.api.model.WorkflowDeleteResponse;
import dev.stepflow.api.model.WorkflowDeleteResult;
import dev.stepflow.api.model.WorkflowListResponse;
import dev.stepflow.api.model.WorkflowPutRequest;
import dev.stepflow.api.model.WorkflowPutResponse;
import dev.stepflow.api.model.WorkflowResponse;
import dev.stepflow.api.model.WorkflowSchedule;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.engine.service.WorkflowService;
import dev.stepflow.engine.service.WorkflowService.WorkflowWithCounts;
import java.util.List;
import java.util.Optional;

/** Workflows: list, get, create or update (a new version each time), delete. */
public final class WorkflowsResource implements WorkflowsApi {
  private final WorkflowService workflows;

  public WorkflowsResource(WorkflowService workflows) {
    this.workflows = workflows;
  }

  @Override
  public WorkflowListResponse listWorkflows(
      String accountId, Integer page, Integer perPage, String search) {
    int number = Paging.page(page);
    int size = Paging.perPage(perPage, 10);
    Page<WorkflowWithCounts> found =
        workflows.list(accountId, Optional.ofNullable(search), number, size);
    return new WorkflowListResponse(
        NONE,
        NONE,
        found.items().stream().map(WorkflowMapper::workflow).toList(),
        true,
        Paging.pageInfo(found, number, size));
  }

  @Override
  public WorkflowResponse getWorkflow(String accountId, String workflowName) {
    WorkflowWithCounts found = workflows.get(new WorkflowRef(accountId, workflowName));
    return new WorkflowResponse(NONE, NONE, WorkflowMapper.workflow(found), true);
  }

  @Override
  public WorkflowPutResponse putWorkflow(
      String accountId, String workflowName, WorkflowPutRequest body, String reason) {
    int steps =
        body.getLimits() == null || body.getLimits().getSteps() == null
            ? WorkflowDefinition.DEFAULT_STEP_LIMIT
            : body.getLimits().getSteps();
    Retention retention = RetentionMapper.fromWire(body.getDefaultRetention(), "default_retention");
    Integer concurrency = body.getConcurrency() == null ? null : body.getConcurrency().getLimit();
    WorkflowDefinition definition =
        new WorkflowDefinition(
            body.getClassName(),
            body.getScriptName(),
            steps,
            retention,
            concurrency,
            FailurePolicies.fromWire(body.getOnFailure()),
            body.getSchedules() == null
                ? List.of()
                : body.getSchedules().stream().map(WorkflowSchedule::getCron).toList());
    var stored = workflows.put(new WorkflowRef(accountId, workflowName), definition);
    return new WorkflowPutResponse(NONE, NONE, WorkflowMapper.putResult(stored), true);
  }

  @Override
  public WorkflowDeleteResponse deleteWorkflow(
      String accountId, String workflowName, String reason, String idempotencyKey) {
    workflows.delete(new WorkflowRef(accountId, workflowName));
    return new WorkflowDeleteResponse(
        NONE, NONE, new WorkflowDeleteResult(WorkflowDeleteResult.StatusEnum.OK, true), true);
  }
}
