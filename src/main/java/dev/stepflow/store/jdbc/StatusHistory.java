package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.instant;

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
                                 records_termination)
      VALUES (?, ?, ?, ?, ?, ?, ?)""";
  private static final String OF_INSTANCE =
      """
      SELECT from_status, to_status, trigger_name, actor, at, records_termination
        FROM status_change WHERE instance_seq = ? ORDER BY id""";

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
            change.recordsTermination() ? 1 : 0)) {
      ps.executeUpdate();
    }
  }

  static List<StatusChange> of(Connection c, long instanceSeq) throws SQLException {
    List<StatusChange> rows = new ArrayList<>();
    try (PreparedStatement ps = bind(c.prepareStatement(OF_INSTANCE), instanceSeq);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String from = rs.getString("from_status");
        rows.add(
            new StatusChange(
                from == null ? null : status(from),
                status(rs.getString("to_status")),
                rs.getString("trigger_name"),
                rs.getString("actor"),
                instant(rs, "at"),
                rs.getInt("records_termination") == 1));
      }
    }
    return rows;
  }

  private static Status status(String wire) {
    return WireNames.parseStatus(wire).orElseThrow();
  }
}
