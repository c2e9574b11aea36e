package dev.stepflow.failure;

import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PauseOnFailureContract} with the server's data in PostgreSQL. */
class PostgresPauseOnFailureIT extends PauseOnFailureContract {
  @RegisterExtension static final TestServer server = TestServer.onPostgres();

  @Override
  TestServer server() {
    return server;
  }
}
