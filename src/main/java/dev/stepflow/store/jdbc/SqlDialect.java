package dev.stepflow.store.jdbc;

import java.util.Optional;

/**
 * The little SQL that differs between the stores. Everything else the JDBC stores run is portable.
 *
 * <p>Row locks are the difference that matters: SQLite runs every write transaction on one writer,
 * so what a transaction read cannot change before it commits, and it has no row locks. PostgreSQL
 * runs writes from many connections (and nodes) at once, under READ COMMITTED; where a write
 * depends on what the same transaction read, the read must lock the row.
 */
public enum SqlDialect {
  SQLITE,
  POSTGRES;

  /** The strength of a row lock, named for what the transaction does after it. */
  public enum RowLock {
    /** The row is read to decide a change of it: other changes and fenced writes wait. */
    UPDATE,
    /**
     * The row is the fence of a dependent write (a step of its run, an event for it): the row's
     * status and run id cannot change until this transaction ends, but others may share the lock.
     */
    SHARE,
    /** The row must keep existing (a workflow instances are created in), nothing more. */
    KEY_SHARE
  }

  /** The clause that ends a SELECT reading rows under {@code lock}; empty where none is needed. */
  public String lock(RowLock lock) {
    return switch (this) {
      case SQLITE -> "";
      case POSTGRES ->
          switch (lock) {
            // NO KEY UPDATE, not UPDATE: inserting a step or an event for the instance (a foreign
            // key check, KEY SHARE) goes on while it is held
            case UPDATE -> " FOR NO KEY UPDATE";
            case SHARE -> " FOR SHARE";
            case KEY_SHARE -> " FOR KEY SHARE";
          };
    };
  }

  /**
   * Whether other writers (connections, nodes) run write transactions at the same time. Where they
   * do, a claim reads the rows it claims under a lock in its own write transaction; where they do
   * not, it may read them first without holding the writer, and its compare-and-set is enough.
   */
  public boolean concurrentWriters() {
    return this == POSTGRES;
  }

  /**
   * Whether a statement can chain writes: a write in a WITH whose RETURNING rows feed the write
   * after it (PostgreSQL). Where each write is a round trip to a server, this saves one; SQLite
   * runs in the process and has no such statements.
   */
  public boolean chainsWrites() {
    return this == POSTGRES;
  }

  /**
   * The key a workflow's instances of one status are listed by: their creation sequence, written so
   * that only the index by workflow and status (V14) delivers it in order. On PostgreSQL the
   * primary key delivers plain {@code seq} order too, and the planner, which takes the rows of a
   * status to be spread evenly over the table, may walk it from the newest row and filter: asked
   * for the newest complete instance while the newest thousands are still queued, it reads them all
   * for a page of one. SQLite's planner takes the index with the most equality terms, so the plain
   * column there.
   */
  public String orderWithinStatus() {
    return switch (this) {
      case SQLITE -> "seq";
      case POSTGRES -> "(seq + 0)";
    };
  }

  /**
   * The clause that ends a SELECT of instances (aliased {@code i}) that a node is about to claim:
   * rows another node is claiming at this moment are skipped rather than waited for, so that nodes
   * never queue behind each other for one batch.
   */
  public String claimLock() {
    return switch (this) {
      case SQLITE -> "";
      case POSTGRES -> " FOR NO KEY UPDATE OF i SKIP LOCKED";
    };
  }

  /**
   * A statement with two parameters (channel, payload) that tells every node listening on the
   * channel once the transaction commits; empty where only one node uses the database.
   */
  public Optional<String> notifyStatement() {
    return switch (this) {
      case SQLITE -> Optional.empty();
      case POSTGRES -> Optional.of("SELECT pg_notify(?, ?)");
    };
  }

  /**
   * A query with one parameter (a lock key) that answers true when this transaction got the lock
   * for that key and false when another transaction holds it; the lock ends with the transaction.
   * Empty where only one node uses the database, so there is nothing to exclude.
   */
  public Optional<String> tryTransactionLock() {
    return switch (this) {
      case SQLITE -> Optional.empty();
      case POSTGRES -> Optional.of("SELECT pg_try_advisory_xact_lock(?)");
    };
  }

  /**
   * A statement that folds the instance count deltas other transactions committed into {@code
   * instance_count}, at most {@code limit} (its one parameter) at a time; empty where counts are
   * kept in {@code instance_count} directly (see each store's V6 migration for why, and V15 on
   * PostgreSQL for the rows a move writes).
   */
  public Optional<String> foldCountDeltas() {
    return switch (this) {
      case SQLITE -> Optional.empty();
      // one statement: a read sees each change either in the change table or in the sum, never
      // both; a move's row counts -1 for the status it left and +1 for the one it took (V15);
      // rows are added in key order so that two folds could not deadlock (the lock prevents that
      // too, this is belt and braces)
      case POSTGRES ->
          Optional.of(
              """
              WITH moved AS (
                DELETE FROM instance_count_change
                 WHERE id IN (SELECT id FROM instance_count_change ORDER BY id LIMIT ?)
                RETURNING account_id, workflow_name, from_status, status, n),
              counted AS (
                SELECT account_id, workflow_name, status, n FROM moved
                UNION ALL
                SELECT account_id, workflow_name, from_status, -n FROM moved
                 WHERE from_status IS NOT NULL)
              INSERT INTO instance_count (account_id, workflow_name, status, n)
              SELECT account_id, workflow_name, status, SUM(n) FROM counted
               GROUP BY account_id, workflow_name, status
               ORDER BY account_id, workflow_name, status
              ON CONFLICT (account_id, workflow_name, status)
              DO UPDATE SET n = instance_count.n + EXCLUDED.n""");
    };
  }
}
