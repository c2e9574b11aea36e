package dev.stepflow.store.sqlite;

import dev.stepflow.store.BulkJobContract;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;

/** The store contract (with its leases) on a real SQLite file, with fsync on every commit batch. */
class SqliteStoreIT extends BulkJobContract {
  @Override
  protected Database open(Path dir) {
    return SqliteDatabase.open(dir, Durability.POWER_LOSS);
  }
}
