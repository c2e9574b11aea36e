package dev.stepflow.store.sqlite;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;

/** For the tests of a migration: a store brought to a version, and what it then holds. */
final class SqliteMigrations {
  private SqliteMigrations() {}

  /** Migrates the SQLite file at {@code url} to {@code target} (a version, or "latest"). */
  static void migrate(String url, String target) {
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration/sqlite")
        .target(target)
        .load()
        .migrate();
  }

  /** The rows {@code sql} finds, each as its columns' text joined by spaces. */
  static List<String> rows(Statement st, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i == 1 ? "" : " ").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
