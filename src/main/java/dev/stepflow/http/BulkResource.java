package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.BulkApi;
import dev.stepflow.api.model.BulkItemOutcome;
import dev.stepflow.api.model.BulkJobItemListResponse;
import dev.stepflow.api.model.BulkJobListResponse;
import dev.stepflow.api.model.BulkJobRequest;
import dev.stepflow.api.model.BulkJobResponse;
import dev.stepflow.api.model.BulkJobState;
import dev.stepflow.api.model.ResultInfo;
import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.engine.service.BulkJobs;
import jakarta.ws.rs.core.Context;
import java.util.Optional;
import org.glassfish.jersey.internal.PropertiesDelegate;

/** .../workflows/{w}/bulk: durable bulk jobs, Stepflow's extension (see the spec). */
public final class BulkResource implements BulkApi {
  private static final int DEFAULT_JOBS_PER_PAGE = 50;
  private static final int DEFAULT_ITEMS_PER_PAGE = 100;

  @Context private PropertiesDelegate request;

  private final BulkJobs jobs;

  public BulkResource(BulkJobs jobs) {
    this.jobs = jobs;
  }

  @Override
  public BulkJobResponse startBulkJob(
      String accountId,
      String workflowName,
      BulkJobRequest body,
      String reason,
      String idempotencyKey) {
    BulkJob.Spec spec = BulkMapper.spec(body, ControlCalls.origin(request));
    return answer(jobs.start(new WorkflowRef(accountId, workflowName), spec));
  }

  @Override
  public BulkJobResponse getBulkJob(String accountId, String workflowName, String jobId) {
    return answer(jobs.get(new WorkflowRef(accountId, workflowName), jobId));
  }

  @Override
  public BulkJobResponse cancelBulkJob(
      String accountId, String workflowName, String jobId, String reason, String idempotencyKey) {
    return answer(jobs.cancel(new WorkflowRef(accountId, workflowName), jobId));
  }

  @Override
  public BulkJobListResponse listBulkJobs(
      String accountId, String workflowName, Integer perPage, String cursor, BulkJobState state) {
    int limit = Paging.perPage(perPage, DEFAULT_JOBS_PER_PAGE);
    Page<BulkJob> page =
        jobs.list(
            new WorkflowRef(accountId, workflowName),
            Optional.ofNullable(state).map(BulkMapper::state),
            Paging.decodeCursor(cursor),
            limit);
    return new BulkJobListResponse(
        NONE, NONE, page.items().stream().map(BulkMapper::job).toList(), true, info(page, limit));
  }

  @Override
  public BulkJobItemListResponse listBulkJobItems(
      String accountId,
      String workflowName,
      String jobId,
      BulkItemOutcome outcome,
      Integer perPage,
      String cursor) {
    int limit = Paging.perPage(perPage, DEFAULT_ITEMS_PER_PAGE);
    Page<BulkItem> page =
        jobs.items(
            new WorkflowRef(accountId, workflowName),
            jobId,
            Optional.ofNullable(outcome).map(BulkMapper::outcome),
            Paging.decodeCursor(cursor),
            limit);
    return new BulkJobItemListResponse(
        NONE, NONE, page.items().stream().map(BulkMapper::item).toList(), true, info(page, limit));
  }

  private static BulkJobResponse answer(BulkJob job) {
    return new BulkJobResponse(NONE, NONE, BulkMapper.job(job), true);
  }

  private static ResultInfo info(Page<?> page, int perPage) {
    ResultInfo info = new ResultInfo(page.items().size(), perPage, (int) page.totalCount());
    if (page.nextCursor() != null) {
      info.cursor(Paging.encodeCursor(page.nextCursor()));
    }
    return info;
  }
}
