package dev.stepflow.client;

import dev.stepflow.api.model.InstanceSummary;
import java.util.List;
import java.util.Optional;

/**
 * One page of {@link StepflowClient#listInstances}: its items and where the next page starts.
 *
 * @param items the instances of this page, in the query's order
 * @param nextCursor the cursor of the next page, or null when this is the last one
 */
public record InstancePage(List<InstanceSummary> items, String nextCursor) {

  /** Copies {@code items}; an empty cursor counts as none, as wrangler reads it. */
  public InstancePage {
    items = List.copyOf(items);
    nextCursor = nextCursor == null || nextCursor.isEmpty() ? null : nextCursor;
  }

  /** True when another page follows. */
  public boolean hasNext() {
    return nextCursor != null;
  }

  /** The cursor of the next page, if there is one. */
  public Optional<String> next() {
    return Optional.ofNullable(nextCursor);
  }
}
