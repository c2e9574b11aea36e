package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.instant;

import dev.stepflow.domain.CronTick;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.WireNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;

/** Reading instance rows: the columns of {@link Instance}, and looking instances up by id. */
final class InstanceRows {
  /** The columns of {@link Instance}, for a SELECT list. */
  static final String FIELDS =
      """
      seq, account_id, workflow_name, instance_id, status, workflow_id, version_id, params_json,
      trigger_source, created_on, modified_on, queued_on, started_on, ended_on, status_changed_on,
      output_json, error_name, error_message, rollback_outcome, rollback_error_name,
      rollback_error_message, status_version, schedule_cron, scheduled_time""";

  static final String COLUMNS = "SELECT " + FIELDS + " FROM instance";
  static final String BY_ID =
      COLUMNS + " WHERE account_id = ? AND workflow_name = ? AND instance_id = ?";
  static final String SEQ_BY_ID =
      "SELECT seq FROM instance WHERE account_id = ? AND workflow_name = ? AND instance_id = ?";

  private InstanceRows() {}

  /** The instance {@code sql} (one of the by-id queries, maybe with a lock clause) finds. */
  static Optional<Instance> find(Connection c, String sql, InstanceRef ref) throws SQLException {
    try (PreparedStatement ps =
            bind(c.prepareStatement(sql), ref.accountId(), ref.workflowName(), ref.instanceId());
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(instance(rs)) : Optional.empty();
    }
  }

  static OptionalLong seqOf(Connection c, InstanceRef ref) throws SQLException {
    try (PreparedStatement ps =
            bind(
                c.prepareStatement(SEQ_BY_ID),
                ref.accountId(),
                ref.workflowName(),
                ref.instanceId());
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
    }
  }

  static Instance instance(ResultSet rs) throws SQLException {
    String rollbackOutcome = rs.getString("rollback_outcome");
    return new Instance(
        new InstanceRef(
            rs.getString("account_id"), rs.getString("workflow_name"), rs.getString("instance_id")),
        rs.getLong("seq"),
        WireNames.parseStatus(rs.getString("status")).orElseThrow(),
        rs.getString("workflow_id"),
        rs.getString("version_id"),
        rs.getString("params_json"),
        rs.getString("trigger_source"),
        instant(rs, "created_on"),
        instant(rs, "modified_on"),
        instant(rs, "queued_on"),
        instant(rs, "started_on"),
        instant(rs, "ended_on"),
        instant(rs, "status_changed_on"),
        rs.getString("output_json"),
        rs.getString("error_name"),
        rs.getString("error_message"),
        rollbackOutcome == null
            ? null
            : WireNames.parseRollbackOutcome(rollbackOutcome).orElseThrow(),
        rs.getString("rollback_error_name"),
        rs.getString("rollback_error_message"),
        rs.getLong("status_version"),
        schedule(rs));
  }

  private static CronTick schedule(ResultSet rs) throws SQLException {
    String cron = rs.getString("schedule_cron");
    return cron == null ? null : new CronTick(cron, instant(rs, "scheduled_time"));
  }
}
