package dev.stepflow.store.jdbc;

import dev.stepflow.store.ClusterSignals;

/**
 * Where the JDBC stores run their SQL. A write runs in one transaction and returns only after that
 * transaction has committed (SQLite: one writer commits batches of writes; PostgreSQL: a pool of
 * connections, one transaction each). Reads run on autocommit connections.
 */
public interface Database extends AutoCloseable {
  /** Valid on SQLite and PostgreSQL alike. */
  String PING = "SELECT 1";

  /**
   * Runs {@code work} in a write transaction; returns after commit, or throws what work threw (and
   * nothing of it is committed).
   */
  <T> T write(SqlWork<T> work);

  /** Runs {@code work} on a read connection. */
  <T> T read(SqlWork<T> work);

  /**
   * Runs a trivial query ({@code SELECT 1}) on a read connection: whether the database answers at
   * all (readiness). Throws {@link dev.stepflow.store.StoreUnavailable} when it does not.
   */
  default void ping() {
    read(
        connection -> {
          try (java.sql.Statement statement = connection.createStatement()) {
            statement.execute(PING);
          }
          return null;
        });
  }

  /**
   * Reports the connection pools' use (HikariCP's own metrics) to {@code metrics}, once, after the
   * open; the SQLite writer is one connection outside any pool and is not reported.
   */
  void trackPools(com.zaxxer.hikari.metrics.MetricsTrackerFactory metrics);

  /** Reports every commit of a write transaction to {@code observer} from now on. */
  void observeCommits(CommitObserver observer);

  /** The SQL this database needs where the stores' SQL is not portable. */
  SqlDialect dialect();

  /**
   * How the nodes sharing this database hear of each other's changes ({@link ClusterChannels});
   * none where only one node uses it. The caller closes it.
   */
  default ClusterSignals signals() {
    return ClusterSignals.NONE;
  }

  @Override
  void close();
}
