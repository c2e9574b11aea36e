package dev.stepflow.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;

/** Reading and binding the column types the schema uses: times are epoch milliseconds. */
final class Columns {
  private Columns() {}

  static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  static void bindInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value.toEpochMilli());
    }
  }

  /** {@code n} positional parameters for an {@code IN (...)} list: "?, ?, ?". */
  static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  /** Binds positional parameters in order; Instants become epoch milliseconds. */
  static PreparedStatement bind(PreparedStatement ps, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      Object value = values[i];
      if (value instanceof Instant instant) {
        bindInstant(ps, i + 1, instant);
      } else {
        ps.setObject(i + 1, value);
      }
    }
    return ps;
  }

  /** Runs an INSERT, UPDATE or DELETE; returns the rows it changed. */
  static int execute(java.sql.Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values)) {
      return ps.executeUpdate();
    }
  }

  static long count(java.sql.Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * The instant (epoch milliseconds) in the first column of the first row of {@code minQuery}, a
   * MIN query; empty when it found no row or a NULL.
   */
  static Optional<Instant> earliest(java.sql.Connection c, String minQuery) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(minQuery);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      long millis = rs.getLong(1);
      return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
  }

  /** The text in the first column of the first row {@code sql} finds; null when none. */
  static String text(java.sql.Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
