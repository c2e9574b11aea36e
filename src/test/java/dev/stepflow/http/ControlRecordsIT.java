package dev.stepflow.http;

import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ControlRecordsScenarios} on a server with its data in SQLite. */
class ControlRecordsIT extends ControlRecordsScenarios {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue();

  @Override
  TestServer server() {
    return server;
  }
}
