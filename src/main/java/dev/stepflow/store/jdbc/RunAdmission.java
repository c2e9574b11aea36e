package dev.stepflow.store.jdbc;

import dev.stepflow.store.ClusterSignals;
import dev.stepflow.store.StoreUnavailable;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The view of a pooled database that a node's runs use: at most {@code permits} of them hold a
 * connection at once, in the order they asked, so that the rest of the pool is always there for API
 * requests, lease renewals and bulk jobs.
 *
 * <p>Without it, a node running a thousand instances whose steps are quick asks the pool for a
 * connection a thousand times at once: an API request then queues behind them and may get a 503
 * after the pool's wait, and a lease renewal may come late enough for other nodes to take the
 * node's instances over. Runs wait here instead, parked on a fair semaphore, which is also cheaper
 * than waiting in the pool. A call made while the thread already holds a permit (a store method
 * that reads, then writes) takes no second one, so runs cannot block each other.
 */
public final class RunAdmission implements Database {
  private final Database database;
  private final Semaphore permits;
  private final ThreadLocal<int[]> held = ThreadLocal.withInitial(() -> new int[1]);

  private RunAdmission(Database database, int permits) {
    this.database = database;
    this.permits = new Semaphore(permits, true);
  }

  /**
   * {@code database} for runs, leaving a quarter of {@code poolSize} connections (at least one,
   * when the pool has two or more) to everything else.
   */
  public static RunAdmission of(Database database, int poolSize) {
    int reserved = poolSize < 2 ? 0 : Math.max(1, poolSize / 4);
    return new RunAdmission(database, poolSize - reserved);
  }

  /** How many more runs may take a connection now: all the permits while no run holds one. */
  public int permits() {
    return permits.availablePermits();
  }

  @Override
  public <T> T write(SqlWork<T> work) {
    return admitted(() -> database.write(work));
  }

  @Override
  public <T> T read(SqlWork<T> work) {
    return admitted(() -> database.read(work));
  }

  /** {@code call} while holding a permit (taken unless this thread holds one already). */
  private <T> T admitted(Supplier<T> call) {
    int[] depth = held.get();
    if (depth[0]++ == 0) {
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        depth[0]--;
        Thread.currentThread().interrupt();
        throw new StoreUnavailable("wait for a database connection (interrupted)", e);
      }
    }
    try {
      return call.get();
    } finally {
      if (--depth[0] == 0) {
        permits.release();
      }
    }
  }

  @Override
  public void trackPools(com.zaxxer.hikari.metrics.MetricsTrackerFactory metrics) {
    database.trackPools(metrics);
  }

  @Override
  public void observeCommits(CommitObserver observer) {
    database.observeCommits(observer);
  }

  @Override
  public SqlDialect dialect() {
    return database.dialect();
  }

  @Override
  public ClusterSignals signals() {
    return database.signals();
  }

  /** The database is the server's, which closes it. */
  @Override
  public void close() {}
}
