package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.HistoryApi;
import dev.stepflow.api.model.ResultInfo;
import dev.stepflow.api.model.StatusHistoryResponse;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.engine.service.InstanceService;

/** GET .../instances/{id}/history: the status history, oldest first, paged by cursor. */
public final class HistoryResource implements HistoryApi {
  private static final int DEFAULT_PAGE = 50;

  private final InstanceService instances;

  public HistoryResource(InstanceService instances) {
    this.instances = instances;
  }

  @Override
  public StatusHistoryResponse getInstanceHistory(
      String accountId, String workflowName, String instanceId, Integer perPage, String cursor) {
    int size = Paging.perPage(perPage, DEFAULT_PAGE);
    Page<StatusChange> page =
        instances.history(
            new InstanceRef(accountId, workflowName, instanceId),
            Paging.decodeCursor(cursor),
            size);
    return new StatusHistoryResponse(
        NONE,
        NONE,
        page.items().stream().map(HistoryMapper::entry).toList(),
        true,
        cursorInfo(page, size));
  }

  /** result_info of a cursor-paged list: its cursor is present while more items follow. */
  static ResultInfo cursorInfo(Page<?> page, int size) {
    ResultInfo info = new ResultInfo(page.items().size(), size, (int) page.totalCount());
    if (page.nextCursor() != null) {
      info.cursor(Paging.encodeCursor(page.nextCursor()));
    }
    return info;
  }
}
