package dev.stepflow.client;

import dev.stepflow.api.model.InstanceStatus;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * Which instances {@link StepflowClient#listInstances} returns and how many per page. Immutable;
 * start from {@link #all()} and narrow it:
 *
 * <pre>{@code
 * InstanceQuery.all().withStatus(InstanceStatus.RUNNING).withPerPage(50)
 * }</pre>
 *
 * @param status only instances in this status; null for all
 * @param perPage items per page, 1 to 100; null for the server's default
 * @param cursor where to continue: {@link InstancePage#nextCursor()} of the previous page; null for
 *     the first page
 * @param direction the order by creation time; null for the server's default
 * @param createdFrom only instances created at or after this time; null for no bound
 * @param createdUntil only instances created at or before this time; null for no bound
 */
public record InstanceQuery(
    InstanceStatus status,
    Integer perPage,
    String cursor,
    Direction direction,
    OffsetDateTime createdFrom,
    OffsetDateTime createdUntil) {

  /** The order of a listing by creation time. */
  public enum Direction {
    /** Oldest first. */
    ASC,
    /** Newest first. */
    DESC;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Validates {@code perPage}. */
  public InstanceQuery {
    if (perPage != null && (perPage < 1 || perPage > 100)) {
      throw new IllegalArgumentException("perPage must be between 1 and 100, not " + perPage);
    }
  }

  /** Every instance, in the server's default page size and order. */
  public static InstanceQuery all() {
    return new InstanceQuery(null, null, null, null, null, null);
  }

  /** The same query, restricted to instances in {@code value}. */
  public InstanceQuery withStatus(InstanceStatus value) {
    return new InstanceQuery(value, perPage, cursor, direction, createdFrom, createdUntil);
  }

  /** The same query with {@code value} items per page (1 to 100). */
  public InstanceQuery withPerPage(int value) {
    return new InstanceQuery(status, value, cursor, direction, createdFrom, createdUntil);
  }

  /** The same query, continuing at {@code value} (a page's {@link InstancePage#nextCursor()}). */
  public InstanceQuery withCursor(String value) {
    return new InstanceQuery(status, perPage, value, direction, createdFrom, createdUntil);
  }

  /** The same query in {@code value} order. */
  public InstanceQuery withDirection(Direction value) {
    return new InstanceQuery(status, perPage, cursor, value, createdFrom, createdUntil);
  }

  /** The same query, restricted to instances created between {@code from} and {@code until}. */
  public InstanceQuery withCreatedBetween(OffsetDateTime from, OffsetDateTime until) {
    return new InstanceQuery(status, perPage, cursor, direction, from, until);
  }
}
