package dev.stepflow.parallel;

import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ParallelScriptedContract} with the server's data in PostgreSQL. */
class PostgresParallelScriptedIT extends ParallelScriptedContract {
  @RegisterExtension static final TestServer server = TestServer.onPostgres();

  @Override
  TestServer server() {
    return server;
  }
}
