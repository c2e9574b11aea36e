package dev.stepflow.store.jdbc;

/**
 * Told of every write transaction's commit ({@code GET /metrics}): how many writes it committed
 * together (the SQLite writer batches writes; a PostgreSQL transaction is one) and how long the
 * commit itself took, which is where the store waits for the disk. Called on the committing thread:
 * it must be cheap and must not throw.
 */
@FunctionalInterface
public interface CommitObserver {
  CommitObserver NONE = (writes, nanos) -> {};

  void committed(int writes, long nanos);
}
