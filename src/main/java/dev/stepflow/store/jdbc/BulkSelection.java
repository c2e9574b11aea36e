package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;

import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.BulkJobStore.Preview;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A bulk job's selection: the instances of the workflow its filter matches, read and written as the
 * job's items in the transaction that creates the job, so the selection is fixed when the job
 * starts. At most a maximum ({@link BulkJob#MAX_ITEMS} unless a test says otherwise) are selected;
 * one row more is read to refuse a filter that matches more.
 */
final class BulkSelection {
  private static final String INSERT_ITEM =
      """
      INSERT INTO bulk_job_item (job_seq, position, instance_id, outcome, code, message, done_on)
      VALUES (?, ?, ?, ?, ?, ?, ?)""";

  /** Items per JDBC batch: a round trip per batch, not per item, on PostgreSQL. */
  private static final int INSERT_BATCH = 1000;

  /** One selected instance. */
  record Selected(long seq, String instanceId, Status status) {}

  private BulkSelection() {}

  /** The instances the filter matches, oldest first; INVALID beyond {@code maxItems}. */
  static List<Selected> select(
      Connection c, WorkflowRef workflow, BulkJob.Filter filter, int maxItems) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT seq, instance_id, status FROM instance WHERE account_id = ? AND workflow_name = ?");
    List<Object> values = new ArrayList<>(List.of(workflow.accountId(), workflow.workflowName()));
    if (!filter.statuses().isEmpty()) {
      sql.append(" AND status IN (")
          .append(Columns.placeholders(filter.statuses().size()))
          .append(')');
      filter.statuses().forEach(s -> values.add(WireNames.status(s)));
    }
    filter.createdAfter().ifPresent(t -> condition(sql, values, " AND created_on >= ?", t));
    filter.createdBefore().ifPresent(t -> condition(sql, values, " AND created_on < ?", t));
    if (!filter.ids().isEmpty()) {
      sql.append(" AND instance_id IN (")
          .append(Columns.placeholders(filter.ids().size()))
          .append(')');
      values.addAll(filter.ids());
    }
    sql.append(" ORDER BY seq LIMIT ?");
    values.add(maxItems + 1);
    List<Selected> selected = new ArrayList<>();
    try (PreparedStatement ps = bind(c.prepareStatement(sql.toString()), values.toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Status status = WireNames.parseStatus(rs.getString(3)).orElseThrow();
        selected.add(new Selected(rs.getLong(1), rs.getString(2), status));
      }
    }
    if (selected.size() > maxItems) {
      throw WorkflowException.invalid(
          "The filter selects more than "
              + maxItems
              + " instances, the most one bulk job takes; narrow it (by 'status',"
              + " 'created_after', 'created_before' or 'ids') and run several jobs.");
    }
    return selected;
  }

  /**
   * Writes one item per selected instance: pending, or as {@code preview} judges it (dry run).
   * Returns the items per outcome, in the order of {@link BulkItem.Outcome}.
   */
  static int[] writeItems(
      Connection c, long jobSeq, List<Selected> selected, Optional<Preview> preview, Instant now)
      throws SQLException {
    int[] counts = new int[BulkItem.Outcome.values().length];
    try (PreparedStatement ps = c.prepareStatement(INSERT_ITEM)) {
      int inBatch = 0;
      for (Selected item : selected) {
        BulkItem.Result result =
            preview
                .map(p -> p.of(item.instanceId(), item.status()))
                .orElse(BulkItem.Result.of(BulkItem.Outcome.PENDING));
        counts[result.outcome().ordinal()]++;
        bind(
            ps,
            jobSeq,
            item.seq(),
            item.instanceId(),
            WireNames.bulkItemOutcome(result.outcome()),
            result.code(),
            result.message(),
            preview.isPresent() ? now : null);
        ps.addBatch();
        if (++inBatch == INSERT_BATCH) {
          ps.executeBatch();
          inBatch = 0;
        }
      }
      if (inBatch > 0) {
        ps.executeBatch();
      }
    }
    return counts;
  }

  private static void condition(StringBuilder sql, List<Object> values, String clause, Object v) {
    sql.append(clause);
    values.add(v);
  }
}
