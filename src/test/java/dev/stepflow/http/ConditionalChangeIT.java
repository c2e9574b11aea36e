package dev.stepflow.http;

import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ConditionalChangeScenarios} on a server with its data in SQLite. */
class ConditionalChangeIT extends ConditionalChangeScenarios {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue();

  @Override
  TestServer server() {
    return server;
  }
}
