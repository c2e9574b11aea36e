package dev.stepflow.failure;

import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PauseOnFailureContract} on the default store, SQLite. */
class PauseOnFailureIT extends PauseOnFailureContract {
  @RegisterExtension static final TestServer server = new TestServer();

  @Override
  TestServer server() {
    return server;
  }
}
