package dev.stepflow.bench;

import dev.stepflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Diagnostics for the engine phase ({@code --pg-statements=N}, with the server started with
 * pg_stat_statements: {@code -Dstepflow.pg.statements=true}): the statements the server spent most
 * time on since the last {@link #reset}, as a Markdown table. A long statement shows its start and
 * its end, where its conditions and order are.
 */
final class PgStatements {
  private static final String TOP =
      """
      SELECT calls, round(total_exec_time::numeric, 1), rows, shared_blks_hit + shared_blks_read,
             CASE WHEN length(q) <= 330 THEN q ELSE left(q, 100) || ' … ' || right(q, 220) END
        FROM (SELECT *, regexp_replace(query, '\\s+', ' ', 'g') AS q FROM pg_stat_statements) s
       ORDER BY total_exec_time DESC LIMIT ?""";

  private PgStatements() {}

  static void reset(String url) {
    run(
        url,
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
  }

  static String top(String url, int limit) {
    StringBuilder md =
        new StringBuilder(
            "| calls | total ms | rows | buffers | statement |\n|---|---|---|---|---|\n");
    try (Connection c = DriverManager.getConnection(url, TestPostgres.USER, null);
        var ps = c.prepareStatement(TOP)) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %d | %s | %d | %d | `%s` |%n",
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getString(5).replace("|", "\\|")));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read pg_stat_statements", e);
    }
    return md.toString();
  }

  private static void run(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url, TestPostgres.USER, null);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reset pg_stat_statements", e);
    }
  }
}
