package dev.stepflow.testing;

import dev.stepflow.app.Config;
import dev.stepflow.app.StepflowServer;
import dev.stepflow.app.StoreSettings;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Stepflow on a free port of 127.0.0.1 with a fresh SQLite file, shared by the tests of one
 * class. Register with {@code @RegisterExtension static final TestServer server = new
 * TestServer();}.
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback {
  private final int maxRunning;
  private boolean onPostgres;
  private StepflowServer server;
  private Path dataDir;
  private ApiClient client;

  /** A server whose engine runs instances. */
  public TestServer() {
    this(Config.DEFAULT_MAX_RUNNING);
  }

  private TestServer(int maxRunning) {
    this.maxRunning = maxRunning;
  }

  /**
   * A server that accepts instances but starts none ({@code --max-running 0}), so they stay queued:
   * for tests of the control surface that need instances in a known status.
   */
  public static TestServer holdingQueue() {
    return new TestServer(0);
  }

  /** A server that runs at most {@code maxRunning} instances at once. */
  public static TestServer withMaxRunning(int maxRunning) {
    return new TestServer(maxRunning);
  }

  /** A server whose data is in a fresh database of the tests' PostgreSQL server. */
  public static TestServer onPostgres() {
    TestServer server = new TestServer();
    server.onPostgres = true;
    return server;
  }

  private StoreSettings store() {
    return onPostgres
        ? StoreSettings.postgres(
            TestPostgres.shared().createDatabase(),
            TestPostgres.USER,
            null,
            StoreSettings.DEFAULT_POOL_SIZE)
        : StoreSettings.SQLITE;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("stepflow-test-");
    server =
        StepflowServer.start(
            new Config(
                    "127.0.0.1",
                    0,
                    dataDir,
                    Durability.PROCESS_CRASH,
                    maxRunning,
                    dataDir.resolve("effects.log"))
                .withStore(store()));
    client = new ApiClient("http://127.0.0.1:" + server.port());
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    server.close();
    try (var files = Files.walk(dataDir)) {
      for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  public ApiClient client() {
    return client;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * What the built-in workflows of instance {@code instanceId} did, one entry per step attempt or
   * rollback call, in order: {@code "do charge-1 #2"}, {@code "rollback charge-1 #1"}.
   */
  public List<String> effects(String instanceId) {
    try {
      Path log = dataDir.resolve("effects.log");
      if (!Files.exists(log)) {
        return List.of();
      }
      return Files.readAllLines(log).stream()
          .map(line -> line.split("\t"))
          .filter(f -> f[0].equals(instanceId))
          .map(f -> f[1] + " " + f[2] + " #" + f[3])
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
