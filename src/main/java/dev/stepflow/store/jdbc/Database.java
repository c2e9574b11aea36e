package dev.stepflow.store.jdbc;

/**
 * Where the JDBC stores run their SQL. Writes go through one writer that commits in batches and
 * returns only after the batch holding the write has committed; reads run on a pool of autocommit
 * connections.
 */
public interface Database extends AutoCloseable {

  /**
   * Runs {@code work} in the writer's transaction; returns after commit, or throws what work threw.
   */
  <T> T write(SqlWork<T> work);

  /** Runs {@code work} on a read connection. */
  <T> T read(SqlWork<T> work);

  @Override
  void close();
}
