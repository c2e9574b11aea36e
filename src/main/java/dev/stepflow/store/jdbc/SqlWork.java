package dev.stepflow.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A unit of database work run on a connection the {@link Database} lends it. A work may run more
 * than once for one call, each run but the last rolled back: PostgreSQL runs it again after a
 * transient fault, and SQLite's writer runs a batch again when one of its writes threw. So it
 * changes nothing outside the connection: whatever it computes, it returns.
 */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
