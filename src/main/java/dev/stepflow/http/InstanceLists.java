package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.model.InstanceListResponse;
import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.api.model.ResultInfo;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.engine.service.InstanceService;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * GET .../instances: both paging styles. The cursor (wrangler's way) walks on from the last
 * instance shown; the deprecated page number (the SDK's way) skips whole pages. result_info always
 * carries the cursor of the next page while one exists, so a client may switch styles after the
 * first page.
 */
final class InstanceLists {
  private static final int DEFAULT_PER_PAGE = 50;

  private InstanceLists() {}

  record Params(
      Integer page,
      Integer perPage,
      String cursor,
      String direction,
      InstanceStatus status,
      OffsetDateTime dateStart,
      OffsetDateTime dateEnd) {}

  static InstanceListResponse list(InstanceService instances, WorkflowRef workflow, Params p) {
    boolean hasCursor = p.cursor() != null && !p.cursor().isEmpty();
    if (hasCursor && p.page() != null) {
      throw WorkflowException.invalid(
          "'cursor' and 'page' cannot be combined; use the cursor from result_info.cursor.");
    }
    int perPage = Paging.perPage(p.perPage(), DEFAULT_PER_PAGE);
    int page = Paging.page(p.page());
    InstanceQuery query =
        new InstanceQuery(
            workflow,
            Optional.ofNullable(p.status()).map(WireMapper::status),
            WireMapper.instant(p.dateStart()),
            WireMapper.instant(p.dateEnd()),
            Orders.ascending(p.direction(), "direction", false),
            Paging.decodeCursor(p.cursor()),
            (long) (page - 1) * perPage,
            perPage);
    Page<Instance> found = instances.list(query);
    ResultInfo info =
        p.page() != null
            ? Paging.pageInfo(found, page, perPage)
            : new ResultInfo(found.items().size(), perPage, (int) found.totalCount());
    if (found.nextCursor() != null) {
      info.cursor(Paging.encodeCursor(found.nextCursor()));
    }
    return new InstanceListResponse(
        NONE, NONE, found.items().stream().map(InstanceMapper::summary).toList(), true, info);
  }
}
