package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.instant;

import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.WireNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The append-only status history of instances: the only writer and reader of its table. */
final class StatusHistory {
  private static final String APPEND =
      """
      INSERT INTO status_change (instance_seq, from_status, to_status, trigger_name, actor, at,
                                 records_termination, actor_name, reason, request_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
  private static final String OF_INSTANCE =
      """
      SELECT id, from_status, to_status, trigger_name, actor, at, records_termination, actor_name,
             reason, request_id
        FROM status_change WHERE instance_seq = ? ORDER BY id""";

  /** One page, after the row of id {@code ?} (0: from the start); one row more tells of a next. */
  private static final String PAGE_OF_INSTANCE =
      """
      SELECT id, from_status, to_status, trigger_name, actor, at, records_termination, actor_name,
             reason, request_id
        FROM status_change WHERE instance_seq = ? AND id > ? ORDER BY id LIMIT ?""";

  private static final String COUNT_OF_INSTANCE =
      "SELECT COUNT(*) FROM status_change WHERE instance_seq = ?";

  private StatusHistory() {}

  static void append(Connection c, long instanceSeq, StatusChange change) throws SQLException {
    try (PreparedStatement ps =
        bind(
            c.prepareStatement(APPEND),
            instanceSeq,
            change.from() == null ? null : WireNames.status(change.from()),
            WireNames.status(change.to()),
            change.trigger(),
            change.actor(),
            change.at(),
            change.recordsTermination() ? 1 : 0,
            change.actorName(),
            change.reason(),
            change.requestId())) {
      ps.executeUpdate();
    }
  }

  static List<StatusChange> of(Connection c, long instanceSeq) throws SQLException {
    List<StatusChange> rows = new ArrayList<>();
    try (PreparedStatement ps = bind(c.prepareStatement(OF_INSTANCE), instanceSeq);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(change(rs));
      }
    }
    return rows;
  }

  /**
   * Up to {@code size} rows after the row {@code afterId} (0: the first page), oldest first, with
   * the cursor of the next page when more follow, and the count of all rows.
   */
  static Page<StatusChange> page(Connection c, long instanceSeq, long afterId, int size)
      throws SQLException {
    List<StatusChange> rows = new ArrayList<>();
    long lastId = afterId;
    boolean more = false;
    try (PreparedStatement ps =
            bind(c.prepareStatement(PAGE_OF_INSTANCE), instanceSeq, afterId, size + 1);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (rows.size() == size) {
          more = true;
          break;
        }
        rows.add(change(rs));
        lastId = rs.getLong("id");
      }
    }
    long total;
    try (PreparedStatement ps = bind(c.prepareStatement(COUNT_OF_INSTANCE), instanceSeq);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      total = rs.getLong(1);
    }
    return new Page<>(rows, total, more ? Long.toString(lastId) : null);
  }

  private static StatusChange change(ResultSet rs) throws SQLException {
    String from = rs.getString("from_status");
    return new StatusChange(
        from == null ? null : status(from),
        status(rs.getString("to_status")),
        rs.getString("trigger_name"),
        rs.getString("actor"),
        instant(rs, "at"),
        rs.getInt("records_termination") == 1,
        rs.getString("actor_name"),
        rs.getString("reason"),
        rs.getString("request_id"));
  }

  private static Status status(String wire) {
    return WireNames.parseStatus(wire).orElseThrow();
  }
}
