package dev.stepflow.bench;

import dev.stepflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the PostgreSQL server did, from its cumulative statistics: commits, rows written and read,
 * WAL records and WAL flushes (fsyncs). The engine phase runs one case at a time on the server, so
 * the difference of two snapshots around a case is that case's work (plus PostgreSQL's own
 * background activity, which is small next to it).
 */
record PgActivity(
    long commits,
    long rollbacks,
    long rowsWritten,
    long rowsRead,
    long walRecords,
    long walSyncs,
    long walBytes) {

  private static final String DATABASES =
      """
      SELECT sum(xact_commit), sum(xact_rollback), sum(tup_inserted + tup_updated + tup_deleted),
             sum(tup_returned + tup_fetched)
        FROM pg_stat_database""";
  private static final String WAL = "SELECT wal_records, wal_sync, wal_bytes FROM pg_stat_wal";

  /** The server's counters now; {@code url} is any database of the server. */
  static PgActivity now(String url) {
    try (Connection c = DriverManager.getConnection(url, TestPostgres.USER, null);
        Statement st = c.createStatement()) {
      // the counters of other sessions reach the shared statistics at most a second late
      st.execute("SELECT pg_stat_clear_snapshot()");
      long[] db = row(st, DATABASES, 4);
      long[] wal = row(st, WAL, 3);
      return new PgActivity(db[0], db[1], db[2], db[3], wal[0], wal[1], wal[2]);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read PostgreSQL's statistics", e);
    }
  }

  /** The counters of this snapshot minus an earlier one, per completed instance. */
  Map<String, Object> perInstanceSince(PgActivity before, long instances) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("commits", (commits - before.commits) / (double) instances);
    out.put("rollbacks", (rollbacks - before.rollbacks) / (double) instances);
    out.put("rows_written", (rowsWritten - before.rowsWritten) / (double) instances);
    out.put("rows_read", (rowsRead - before.rowsRead) / (double) instances);
    out.put("wal_records", (walRecords - before.walRecords) / (double) instances);
    out.put("wal_syncs", (walSyncs - before.walSyncs) / (double) instances);
    out.put("wal_bytes", (walBytes - before.walBytes) / (double) instances);
    return out;
  }

  private static long[] row(Statement st, String sql, int columns) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      long[] values = new long[columns];
      for (int i = 0; i < columns; i++) {
        values[i] = rs.getLong(i + 1);
      }
      return values;
    }
  }
}
