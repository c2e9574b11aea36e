package dev.stepflow.client;

import dev.stepflow.api.model.BulkJobItem;
import java.util.List;

/**
 * One page of {@link StepflowClient#listBulkJobItems}: its items and where the next page starts.
 *
 * @param items the items of this page, in the order the job applies them
 * @param nextCursor the cursor of the next page, or null when this is the last one
 */
public record BulkItemPage(List<BulkJobItem> items, String nextCursor) {

  /** Copies {@code items}; an empty cursor counts as none. */
  public BulkItemPage {
    items = List.copyOf(items);
    nextCursor = nextCursor == null || nextCursor.isEmpty() ? null : nextCursor;
  }

  /** True when another page follows. */
  public boolean hasNext() {
    return nextCursor != null;
  }
}
