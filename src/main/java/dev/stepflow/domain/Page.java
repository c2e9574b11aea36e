package dev.stepflow.domain;

import java.util.List;

/**
 * One page of a list, with the total across pages and the cursor of the next page (null on the
 * last).
 */
public record Page<T>(List<T> items, long totalCount, String nextCursor) {}
