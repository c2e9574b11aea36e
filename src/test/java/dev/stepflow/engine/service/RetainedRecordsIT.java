package dev.stepflow.engine.service;

import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;

/** {@link RetainedRecordsContract} on SQLite. */
class RetainedRecordsIT extends RetainedRecordsContract {
  @Override
  protected Database open(Path dir) {
    return SqliteDatabase.open(dir, Durability.PROCESS_CRASH);
  }
}
