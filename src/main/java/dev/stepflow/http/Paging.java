package dev.stepflow.http;

import dev.stepflow.api.model.ResultInfo;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.WorkflowException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Page-number and cursor paging: defaults, result_info, and the opaque cursor format. */
final class Paging {
  private static final String CURSOR_PREFIX = "seq:";

  private Paging() {}

  static int page(Integer page) {
    return page == null ? 1 : page;
  }

  static int perPage(Integer perPage, int defaultSize) {
    return perPage == null ? defaultSize : perPage;
  }

  /** result_info for a page-number listing; a page past the end has count 0 and an empty result. */
  static ResultInfo pageInfo(Page<?> page, int pageNumber, int perPage) {
    long totalPages = (page.totalCount() + perPage - 1) / perPage;
    return new ResultInfo(page.items().size(), perPage, (int) page.totalCount())
        .page(pageNumber)
        .totalPages((int) totalPages);
  }

  static String encodeCursor(String seq) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((CURSOR_PREFIX + seq).getBytes(StandardCharsets.UTF_8));
  }

  static Optional<Long> decodeCursor(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return Optional.empty();
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(CURSOR_PREFIX)) {
        return Optional.of(Long.parseLong(text.substring(CURSOR_PREFIX.length())));
      }
    } catch (IllegalArgumentException malformed) {
      // reported below
    }
    throw WorkflowException.invalid(
        "'cursor' is not a cursor this server issued; pass result_info.cursor of the previous page.");
  }
}
