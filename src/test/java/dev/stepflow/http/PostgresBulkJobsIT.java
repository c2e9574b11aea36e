package dev.stepflow.http;

import dev.stepflow.app.Config;
import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link BulkJobsContract} on PostgreSQL. */
class PostgresBulkJobsIT extends BulkJobsContract {
  @RegisterExtension
  static final TestServer server =
      TestServer.holdingQueueOnPostgres().withCreationRates(Config.CreationRates.UNLIMITED);

  @Override
  TestServer server() {
    return server;
  }
}
