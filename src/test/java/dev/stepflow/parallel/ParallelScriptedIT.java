package dev.stepflow.parallel;

import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ParallelScriptedContract} on the default store, SQLite. */
class ParallelScriptedIT extends ParallelScriptedContract {
  @RegisterExtension static final TestServer server = new TestServer();

  @Override
  TestServer server() {
    return server;
  }
}
