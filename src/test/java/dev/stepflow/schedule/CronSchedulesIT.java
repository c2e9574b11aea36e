package dev.stepflow.schedule;

import dev.stepflow.app.StoreSettings;

/** {@link CronScheduleContract} on the default store, SQLite. */
class CronSchedulesIT extends CronScheduleContract {
  @Override
  StoreSettings freshStore() {
    return StoreSettings.SQLITE;
  }
}
