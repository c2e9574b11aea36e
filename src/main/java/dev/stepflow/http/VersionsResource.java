package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.VersionsApi;
import dev.stepflow.api.model.VersionGraphResponse;
import dev.stepflow.api.model.VersionListResponse;
import dev.stepflow.api.model.VersionResponse;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.domain.WorkflowVersion;
import dev.stepflow.engine.service.WorkflowService;
import java.util.UUID;

/** Workflow versions, newest first, and their graphs. */
public final class VersionsResource implements VersionsApi {
  private final WorkflowService workflows;

  public VersionsResource(WorkflowService workflows) {
    this.workflows = workflows;
  }

  @Override
  public VersionListResponse listWorkflowVersions(
      String accountId, String workflowName, Integer page, Integer perPage) {
    int number = Paging.page(page);
    int size = Paging.perPage(perPage, 50);
    Page<WorkflowVersion> found =
        workflows.versions(new WorkflowRef(accountId, workflowName), number, size);
    return new VersionListResponse(
        NONE,
        NONE,
        found.items().stream().map(WorkflowMapper::version).toList(),
        true,
        Paging.pageInfo(found, number, size));
  }

  @Override
  public VersionResponse getWorkflowVersion(String accountId, String workflowName, UUID versionId) {
    WorkflowVersion found =
        workflows.version(new WorkflowRef(accountId, workflowName), versionId.toString());
    return new VersionResponse(NONE, NONE, WorkflowMapper.version(found), true);
  }

  /** A Java workflow class has no static graph: the version with {@code graph: null}. */
  @Override
  public VersionGraphResponse getWorkflowVersionGraph(
      String accountId, String workflowName, UUID versionId) {
    WorkflowVersion found =
        workflows.version(new WorkflowRef(accountId, workflowName), versionId.toString());
    return new VersionGraphResponse(NONE, NONE, WorkflowMapper.graph(found), true);
  }
}
