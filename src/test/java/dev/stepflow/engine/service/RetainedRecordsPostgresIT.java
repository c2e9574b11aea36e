package dev.stepflow.engine.service;

import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.postgres.PostgresDatabase;
import dev.stepflow.testing.TestPostgres;
import java.nio.file.Path;

/** {@link RetainedRecordsContract} on PostgreSQL, a fresh database per test. */
class RetainedRecordsPostgresIT extends RetainedRecordsContract {
  @Override
  protected Database open(Path dir) {
    return PostgresDatabase.open(
        TestPostgres.shared().createDatabase(), TestPostgres.USER, null, 2);
  }
}
