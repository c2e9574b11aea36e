package dev.stepflow.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.stepflow.store.ClusterSignals;
import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.store.jdbc.CommitObserver;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.SqlDialect;
import dev.stepflow.store.jdbc.SqlWork;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store for one or several nodes sharing a PostgreSQL database. Schema changes are Flyway
 * migrations under {@code db/migration/postgres}. Every write is its own READ COMMITTED transaction
 * on a pooled connection, several at once: PostgreSQL serialises what conflicts (the stores lock
 * the rows a decision depends on, see {@link SqlDialect}) and batches the WAL flushes of concurrent
 * commits itself, so there is no single writer here. A write returns only after its commit
 * returned, which with {@code synchronous_commit} on means the commit is in the server's WAL on
 * disk (fsync on) before the caller is acknowledged.
 */
public final class PostgresDatabase implements Database {
  private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);

  /**
   * A session whose role or database turned synchronous_commit off would acknowledge commits that a
   * crash of the server loses; raise it to on. Stronger settings (remote_write, remote_apply for
   * standbys) are kept.
   */
  private static final String SYNCHRONOUS_COMMIT_AT_LEAST_LOCAL =
      """
      SELECT set_config('synchronous_commit', 'on', false)
       WHERE current_setting('synchronous_commit') = 'off'""";

  private static final int ATTEMPTS = 5;
  private static final long FIRST_RETRY_DELAY_MILLIS = 20;

  private final HikariDataSource pool;
  private final TransientFaults faults = new TransientFaults(ATTEMPTS, FIRST_RETRY_DELAY_MILLIS);
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private volatile CommitObserver commits = CommitObserver.NONE;

  private PostgresDatabase(HikariDataSource pool, String jdbcUrl, String user, String password) {
    this.pool = pool;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /**
   * Connects to the database at {@code jdbcUrl} (it must exist) with a pool of at most {@code
   * poolSize} connections and migrates it to the current schema. Nodes starting at once migrate it
   * once: Flyway holds a PostgreSQL advisory lock while it migrates.
   */
  public static PostgresDatabase open(String jdbcUrl, String user, String password, int poolSize) {
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(poolConfig(jdbcUrl, user, password, poolSize));
    } catch (RuntimeException e) {
      throw new StoreUnavailable("connect to PostgreSQL at " + withoutQuery(jdbcUrl), e);
    }
    try {
      // Flyway's own connections (it needs two), not the pool's, which may be smaller
      Flyway.configure()
          .dataSource(jdbcUrl, user, password)
          .locations("classpath:db/migration/postgres")
          .load()
          .migrate();
      warnWhenNotDurable(pool);
      return new PostgresDatabase(pool, jdbcUrl, user, password);
    } catch (RuntimeException | SQLException e) {
      pool.close();
      throw new StoreUnavailable("prepare the PostgreSQL database " + withoutQuery(jdbcUrl), e);
    }
  }

  private static HikariConfig poolConfig(
      String jdbcUrl, String user, String password, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(2, poolSize));
    config.setPoolName("stepflow-postgres");
    // a request waits this long for a connection when all are busy, then gets a 503
    config.setConnectionTimeout(10_000);
    config.setConnectionInitSql(SYNCHRONOUS_COMMIT_AT_LEAST_LOCAL);
    // names Stepflow's sessions in pg_stat_activity
    config.addDataSourceProperty("ApplicationName", "stepflow");
    return config;
  }

  /** An operator should know when acknowledged writes would not survive a crash of the server. */
  private static void warnWhenNotDurable(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW fsync")) {
      if (rs.next() && !"on".equals(rs.getString(1))) {
        log.warn(
            "PostgreSQL runs with fsync={}: acknowledged changes survive a crash of Stepflow but not"
                + " a crash of the database server or its machine",
            rs.getString(1));
      }
    }
  }

  /** The URL as it may be logged: a query string can hold a password. */
  private static String withoutQuery(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
  }

  @Override
  public void trackPools(com.zaxxer.hikari.metrics.MetricsTrackerFactory metrics) {
    pool.setMetricsTrackerFactory(metrics);
  }

  @Override
  public void observeCommits(CommitObserver observer) {
    commits = observer;
  }

  @Override
  public <T> T write(SqlWork<T> work) {
    return faults.retrying("write", () -> inTransaction(work));
  }

  private <T> T inTransaction(SqlWork<T> work) throws SQLException {
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      T result;
      try {
        result = work.run(c);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
      long started = System.nanoTime();
      commit(c);
      commits.committed(1, System.nanoTime() - started);
      return result;
    }
  }

  /**
   * A commit that fails may have committed anyway (the connection broke after the server did), so
   * it is never attempted again: the caller learns that the outcome is unknown.
   */
  private static void commit(Connection c) {
    try {
      c.commit();
    } catch (SQLException e) {
      throw new StoreUnavailable("confirm the commit (its outcome is unknown)", e);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // the connection is likely broken; the pool drops it, and the server rolls back
      cause.addSuppressed(e);
    }
  }

  @Override
  public <T> T read(SqlWork<T> work) {
    return faults.retrying(
        "read",
        () -> {
          try (Connection c = connection()) {
            return work.run(c);
          }
        });
  }

  /** A pooled connection; running out of them is not retried, as the pool has waited already. */
  private Connection connection() {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw new StoreUnavailable(
          "get a database connection (all are busy or the server is down)", e);
    }
  }

  @Override
  public SqlDialect dialect() {
    return SqlDialect.POSTGRES;
  }

  /** LISTEN/NOTIFY on a connection of its own, with the credentials of the pool. */
  @Override
  public ClusterSignals signals() {
    return new PostgresSignals(jdbcUrl, user, password);
  }

  @Override
  public void close() {
    pool.close();
  }
}
