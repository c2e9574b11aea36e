package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.execute;
import static dev.stepflow.store.jdbc.Columns.instant;

import dev.stepflow.domain.AuditEntry;
import dev.stepflow.domain.AuditQuery;
import dev.stepflow.domain.Page;
import dev.stepflow.store.AuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link AuditStore} in portable SQL over a {@link Database}. */
public final class JdbcAuditStore implements AuditStore {
  private static final String APPEND =
      """
      INSERT INTO audit_entry (account_id, at, actor, actor_name, action, method, workflow_name,
                               instance_id, http_status, reason, request_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
  private static final String COLUMNS =
      """
      SELECT id, account_id, at, actor, actor_name, action, method, workflow_name, instance_id,
             http_status, reason, request_id
        FROM audit_entry""";
  private static final String PURGE = "DELETE FROM audit_entry WHERE at < ?";

  private final Database db;

  public JdbcAuditStore(Database db) {
    this.db = db;
  }

  @Override
  public void appendAll(List<AuditEntry> entries) {
    db.write(
        c -> {
          for (AuditEntry e : entries) {
            execute(
                c,
                APPEND,
                e.accountId(),
                e.at(),
                e.actor(),
                e.actorName(),
                e.action(),
                e.method(),
                e.workflowName(),
                e.instanceId(),
                e.httpStatus(),
                e.reason(),
                e.requestId());
          }
          return null;
        });
  }

  @Override
  public Page<AuditEntry> list(AuditQuery query) {
    return db.read(c -> page(c, query));
  }

  @Override
  public int purgeOlderThan(Instant cutoff) {
    return db.write(c -> execute(c, PURGE, cutoff));
  }

  /** The filters as a WHERE clause and its values; the cursor is added for the page only. */
  private record Where(String sql, List<Object> values) {
    static Where of(AuditQuery q) {
      StringBuilder sql = new StringBuilder(" WHERE account_id = ?");
      List<Object> values = new ArrayList<>(List.of(q.accountId()));
      q.since().ifPresent(v -> add(sql, values, "at >= ?", v));
      q.until().ifPresent(v -> add(sql, values, "at < ?", v));
      q.actor().ifPresent(v -> add(sql, values, "actor = ?", v));
      q.action().ifPresent(v -> add(sql, values, "action = ?", v));
      q.workflowName().ifPresent(v -> add(sql, values, "workflow_name = ?", v));
      return new Where(sql.toString(), values);
    }

    private static void add(StringBuilder sql, List<Object> values, String condition, Object v) {
      sql.append(" AND ").append(condition);
      values.add(v);
    }
  }

  private static Page<AuditEntry> page(Connection c, AuditQuery query) throws SQLException {
    Where where = Where.of(query);
    long total =
        Columns.count(
            c, "SELECT COUNT(*) FROM audit_entry" + where.sql(), where.values().toArray());
    List<Object> values = new ArrayList<>(where.values());
    String sql = COLUMNS + where.sql();
    if (query.before().isPresent()) {
      sql += " AND id < ?";
      values.add(query.before().get());
    }
    sql += " ORDER BY id DESC LIMIT ?";
    values.add(query.size() + 1);
    List<AuditEntry> entries = new ArrayList<>();
    boolean more = false;
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values.toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (entries.size() == query.size()) {
          more = true;
          break;
        }
        entries.add(entry(rs));
      }
    }
    String next = more ? Long.toString(entries.getLast().id()) : null;
    return new Page<>(entries, total, next);
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getLong("id"),
        rs.getString("account_id"),
        instant(rs, "at"),
        rs.getString("actor"),
        rs.getString("actor_name"),
        rs.getString("action"),
        rs.getString("method"),
        rs.getString("workflow_name"),
        rs.getString("instance_id"),
        rs.getInt("http_status"),
        rs.getString("reason"),
        rs.getString("request_id"));
  }
}
