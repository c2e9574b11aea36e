package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.instant;
import static dev.stepflow.store.jdbc.Columns.nullableInt;

import dev.stepflow.domain.BulkAction;
import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.BulkItemReceipt;
import dev.stepflow.store.ItemAlreadySettled;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reading bulk job and item rows, and writing an item's outcome with the job's counts. Every
 * outcome write changes the job row first and the item row second, as a cancel does, so that two
 * transactions on one job never wait for each other in a cycle (PostgreSQL).
 */
final class BulkJobRows {
  static final String JOB_FIELDS =
      "seq, job_id, account_id, workflow_name, action, from_type, from_name, from_count,"
          + " filter_statuses, filter_created_after, filter_created_before, filter_ids, dry_run,"
          + " reason, actor, actor_name, request_id, max_per_second, state, matched, applied, skipped,"
          + " failed AS failed_items, cancelled,"
          + " pending, would_apply, would_skip, created_on, ended_on";
  static final String JOB_BY_ID = "SELECT " + JOB_FIELDS + " FROM bulk_job WHERE job_id = ?";
  static final String JOB_OF_WORKFLOW =
      "SELECT "
          + JOB_FIELDS
          + " FROM bulk_job WHERE job_id = ? AND account_id = ? AND workflow_name = ?";

  private static final String ITEM_FIELDS =
      "position, instance_id, outcome, code, message, done_on";
  static final String ITEMS_AFTER =
      "SELECT " + ITEM_FIELDS + " FROM bulk_job_item WHERE job_seq = ? AND position > ?";

  /**
   * Counts one item's outcome on the job, if it runs on the node: {@code %s} adds to the count
   * column of the outcome.
   */
  private static final String COUNT_OUTCOME =
      "UPDATE bulk_job SET %s, pending = pending - 1"
          + " WHERE job_id = ? AND state = ? AND owner_node = ?";

  private static final String SETTLE_ITEM =
      """
      UPDATE bulk_job_item SET outcome = ?, code = ?, message = ?, done_on = ?
       WHERE job_seq = (SELECT seq FROM bulk_job WHERE job_id = ?) AND position = ? AND outcome = ?""";

  private static final String RUNNING = WireNames.bulkJobState(BulkJob.State.RUNNING);
  private static final String PENDING = WireNames.bulkItemOutcome(BulkItem.Outcome.PENDING);

  /** Instance ids never contain a line break (see InstanceIdParam), so one joins them. */
  private static final String ID_SEPARATOR = "\n";

  private BulkJobRows() {}

  /**
   * Records {@code result} for the receipt's item and counts it on the job, in the caller's
   * transaction; throws {@link ItemAlreadySettled} (and the caller's transaction rolls back) when
   * the job no longer runs on the receipt's node or the item is no longer pending.
   */
  static void settle(Connection c, BulkItemReceipt receipt, BulkItem.Result result, Instant at)
      throws SQLException {
    String counted = COUNT_OUTCOME.formatted(addOne(result.outcome()));
    if (Columns.execute(c, counted, receipt.jobId(), RUNNING, receipt.node()) == 0) {
      throw new ItemAlreadySettled(receipt);
    }
    int settled =
        Columns.execute(
            c,
            SETTLE_ITEM,
            WireNames.bulkItemOutcome(result.outcome()),
            result.code(),
            result.message(),
            at,
            receipt.jobId(),
            receipt.position(),
            PENDING);
    if (settled == 0) {
      throw new ItemAlreadySettled(receipt);
    }
  }

  /** The assignment that counts one more item of {@code outcome} on the job. */
  private static String addOne(BulkItem.Outcome outcome) {
    return switch (outcome) {
      case APPLIED -> "applied = applied + 1";
      case SKIPPED -> "skipped = skipped + 1";
      case FAILED -> "failed = failed + 1";
      case PENDING, CANCELLED, WOULD_APPLY, WOULD_SKIP ->
          throw new IllegalArgumentException("a runner does not settle an item as " + outcome);
    };
  }

  static Optional<BulkJob> find(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(job(rs)) : Optional.empty();
    }
  }

  static BulkJob job(ResultSet rs) throws SQLException {
    BulkAction action = parse(WireNames.parseBulkAction(rs.getString("action")), "action", rs);
    String fromType = rs.getString("from_type");
    Optional<StepRef> from =
        fromType == null
            ? Optional.empty()
            : Optional.of(
                new StepRef(
                    parse(WireNames.parseStepKind(fromType), "from_type", rs),
                    rs.getString("from_name"),
                    rs.getInt("from_count")));
    BulkJob.Filter filter =
        new BulkJob.Filter(
            statuses(rs.getString("filter_statuses")),
            Optional.ofNullable(instant(rs, "filter_created_after")),
            Optional.ofNullable(instant(rs, "filter_created_before")),
            ids(rs.getString("filter_ids")));
    BulkJob.Spec spec =
        new BulkJob.Spec(
            action,
            from,
            filter,
            rs.getInt("dry_run") != 0,
            rs.getInt("max_per_second"),
            new ChangeOrigin(
                rs.getString("actor"),
                rs.getString("actor_name"),
                rs.getString("reason"),
                rs.getString("request_id")));
    BulkJob.Counts counts =
        new BulkJob.Counts(
            rs.getInt("matched"),
            rs.getInt("applied"),
            rs.getInt("skipped"),
            rs.getInt("failed_items"),
            rs.getInt("cancelled"),
            rs.getInt("pending"),
            rs.getInt("would_apply"),
            rs.getInt("would_skip"));
    return new BulkJob(
        rs.getString("job_id"),
        new WorkflowRef(rs.getString("account_id"), rs.getString("workflow_name")),
        spec,
        parse(WireNames.parseBulkJobState(rs.getString("state")), "state", rs),
        counts,
        instant(rs, "created_on"),
        instant(rs, "ended_on"));
  }

  static BulkItem item(ResultSet rs) throws SQLException {
    return new BulkItem(
        rs.getLong("position"),
        rs.getString("instance_id"),
        parse(WireNames.parseBulkItemOutcome(rs.getString("outcome")), "outcome", rs),
        nullableInt(rs, "code"),
        rs.getString("message"),
        instant(rs, "done_on"));
  }

  static String statusesText(List<Status> statuses) {
    return statuses.isEmpty()
        ? null
        : statuses.stream().map(WireNames::status).collect(Collectors.joining(","));
  }

  static String idsText(List<String> ids) {
    return ids.isEmpty() ? null : String.join(ID_SEPARATOR, ids);
  }

  private static List<Status> statuses(String text) {
    if (text == null) {
      return List.of();
    }
    return Arrays.stream(text.split(","))
        .map(name -> WireNames.parseStatus(name).orElseThrow())
        .toList();
  }

  private static List<String> ids(String text) {
    return text == null ? List.of() : List.of(text.split(ID_SEPARATOR, -1));
  }

  private static <T> T parse(Optional<T> value, String column, ResultSet rs) throws SQLException {
    return value.orElseThrow(
        () -> new SQLException("bulk_job row with an unknown " + column + " value"));
  }
}
