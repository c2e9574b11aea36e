package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.AuditApi;
import dev.stepflow.api.model.AuditListResponse;
import dev.stepflow.domain.AuditEntry;
import dev.stepflow.domain.AuditQuery;
import dev.stepflow.domain.Page;
import dev.stepflow.engine.service.AuditLog;
import java.time.OffsetDateTime;
import java.util.Optional;

/** GET /accounts/{a}/audit: the account's audit log, newest first, filtered, paged by cursor. */
public final class AuditResource implements AuditApi {
  private static final int DEFAULT_PAGE = 50;

  private final AuditLog audit;

  public AuditResource(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  public AuditListResponse listAuditEntries(
      String accountId,
      Integer perPage,
      String cursor,
      OffsetDateTime since,
      OffsetDateTime until,
      String actor,
      String action,
      String workflow) {
    int size = Paging.perPage(perPage, DEFAULT_PAGE);
    Page<AuditEntry> page =
        audit.list(
            new AuditQuery(
                accountId,
                WireMapper.instant(since),
                WireMapper.instant(until),
                Optional.ofNullable(actor).map(AuditResource::recordedActor),
                Optional.ofNullable(action),
                Optional.ofNullable(workflow),
                Paging.decodeCursor(cursor),
                size));
    return new AuditListResponse(
        NONE,
        NONE,
        page.items().stream().map(HistoryMapper::entry).toList(),
        true,
        HistoryResource.cursorInfo(page, size));
  }

  /** The actor filter as the log records it: a token id means {@code token:<id>}. */
  private static String recordedActor(String actor) {
    return actor.equals("engine") || actor.equals("anonymous") ? actor : "token:" + actor;
  }
}
