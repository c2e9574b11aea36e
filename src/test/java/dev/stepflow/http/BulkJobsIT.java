package dev.stepflow.http;

import dev.stepflow.app.Config;
import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link BulkJobsContract} on SQLite. */
class BulkJobsIT extends BulkJobsContract {
  @RegisterExtension
  static final TestServer server =
      TestServer.holdingQueue().withCreationRates(Config.CreationRates.UNLIMITED);

  @Override
  TestServer server() {
    return server;
  }
}
