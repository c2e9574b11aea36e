package dev.stepflow.http;

import dev.stepflow.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link IdempotencyScenarios} on a server with its data in PostgreSQL. */
class IdempotencyKeysPostgresIT extends IdempotencyScenarios {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue().onPostgresStore();

  @Override
  TestServer server() {
    return server;
  }
}
