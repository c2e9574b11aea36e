package dev.stepflow.schedule;

import dev.stepflow.app.StoreSettings;
import dev.stepflow.testing.TestPostgres;

/** {@link CronScheduleContract} with the servers' data in a fresh PostgreSQL database. */
class PostgresCronSchedulesIT extends CronScheduleContract {
  @Override
  StoreSettings freshStore() {
    return StoreSettings.postgres(
        TestPostgres.shared().createDatabase(),
        TestPostgres.USER,
        null,
        StoreSettings.DEFAULT_POOL_SIZE);
  }
}
