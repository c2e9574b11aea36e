package dev.stepflow.store.jdbc;

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
}
