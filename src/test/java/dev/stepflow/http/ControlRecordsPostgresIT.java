package dev.stepflow.http;

import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ControlRecordsScenarios} on a server with its data in PostgreSQL. */
class ControlRecordsPostgresIT extends ControlRecordsScenarios {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue().onPostgresStore();

  @Override
  TestServer server() {
    return server;
  }
}
