package dev.stepflow.testing;

import static org.awaitility.Awaitility.await;

import dev.stepflow.app.Config;
import dev.stepflow.app.StepflowServer;
import dev.stepflow.app.StoreSettings;
import dev.stepflow.auth.ApiToken;
import dev.stepflow.auth.Permission;
import dev.stepflow.auth.TokenFile;
import dev.stepflow.auth.TokenSecrets;
import dev.stepflow.auth.TokenSetup;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
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
  private final Config.CreationRates creationRates;
  private final boolean onPostgres;
  private final Duration leaseTime;
  private StoreSettings storeSettings;
  private StepflowServer server;
  private Path dataDir;
  private ApiClient client;

  /** A server whose engine runs instances. */
  public TestServer() {
    this(Config.DEFAULT_MAX_RUNNING, Config.CreationRates.DEFAULT, false, null);
  }

  private TestServer(
      int maxRunning, Config.CreationRates creationRates, boolean onPostgres, Duration leaseTime) {
    this.maxRunning = maxRunning;
    this.creationRates = creationRates;
    this.onPostgres = onPostgres;
    this.leaseTime = leaseTime;
  }

  /** The same server with other instance-creation rates. */
  public TestServer withCreationRates(Config.CreationRates rates) {
    return new TestServer(maxRunning, rates, onPostgres, leaseTime);
  }

  /** The same server whose leases on instances last {@code value} without renewal. */
  public TestServer withLeaseTime(Duration value) {
    return new TestServer(maxRunning, creationRates, onPostgres, value);
  }

  /**
   * A server that accepts instances but starts none ({@code --max-running 0}), so they stay queued:
   * for tests of the control surface that need instances in a known status.
   */
  public static TestServer holdingQueue() {
    return new TestServer(0, Config.CreationRates.DEFAULT, false, null);
  }

  /** A server that runs at most {@code maxRunning} instances at once. */
  public static TestServer withMaxRunning(int maxRunning) {
    return new TestServer(maxRunning, Config.CreationRates.DEFAULT, false, null);
  }

  /** {@link #holdingQueue()} on a fresh database of the tests' PostgreSQL server. */
  public static TestServer holdingQueueOnPostgres() {
    return new TestServer(0, Config.CreationRates.DEFAULT, true, null);
  }

  /** The same server with its data in a fresh database of the tests' PostgreSQL server. */
  public TestServer onPostgresStore() {
    return new TestServer(maxRunning, creationRates, true, leaseTime);
  }

  /** A server whose data is in a fresh database of the tests' PostgreSQL server. */
  public static TestServer onPostgres() {
    return new TestServer(Config.DEFAULT_MAX_RUNNING, Config.CreationRates.DEFAULT, true, null);
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
    storeSettings = store();
    Config config =
        Config.of("127.0.0.1", 0, dataDir, Durability.PROCESS_CRASH)
            .withMaxRunning(maxRunning)
            .withEffectsLog(dataDir.resolve("effects.log"))
            .withCreationRates(creationRates)
            .withStore(storeSettings);
    if (leaseTime != null) {
      config = config.withCluster(new Config.Cluster(null, leaseTime));
    }
    server = StepflowServer.start(config);
    client = new ApiClient("http://127.0.0.1:" + server.port(), ApiClient.devToken(dataDir));
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

  /**
   * Adds a token to the server's tokens file, as {@code stepflow token create} does, waits until
   * the server accepts it, and returns its secret. {@code accounts} empty means every account.
   */
  public String addToken(String name, Permission permission, String... accounts) {
    String secret = TokenSecrets.newSecret();
    ApiToken token = TokenSetup.describe(secret, name, Set.of(accounts), permission, Instant.now());
    new TokenFile(TokenSetup.defaultTokensFile(dataDir)).add(token);
    ApiClient holder = client.withToken(secret);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> holder.get("/client/v4/user/tokens/verify").status() == 200);
    return secret;
  }

  /** The store the server was started on (its PostgreSQL database, when {@link #onPostgres}). */
  public StoreSettings storeSettings() {
    return storeSettings;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * What the built-in workflows of instance {@code instanceId} did, one entry per step attempt or
   * rollback call, in order: {@code "do charge-1 #2"}, {@code "rollback charge-1 #1"}. The lines
   * that say when an attempt's work ended ({@code do-end}) are left out.
   */
  public List<String> effects(String instanceId) {
    try {
      Path log = dataDir.resolve("effects.log");
      if (!Files.exists(log)) {
        return List.of();
      }
      return Files.readAllLines(log).stream()
          .map(line -> line.split("\t"))
          .filter(f -> f[0].equals(instanceId) && !f[1].endsWith("-end"))
          .map(f -> f[1] + " " + f[2] + " #" + f[3])
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
