package dev.stepflow.embed;

import dev.stepflow.app.Config;
import dev.stepflow.app.StartBanner;
import dev.stepflow.app.StartFailure;
import dev.stepflow.app.StepflowServer;
import dev.stepflow.app.StoreSettings;
import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.builtin.EffectLog;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Stepflow server running inside your application: the same engine, store and HTTP API as {@code
 * stepflow serve}, with the workflow classes you registered.
 *
 * <pre>{@code
 * try (Stepflow stepflow =
 *     Stepflow.builder().dataDir(Path.of("data")).port(8787).register(Booking.class).start()) {
 *   // PUT .../workflows/bookings {"class_name":"Booking","script_name":"app"}, then create instances
 * }
 * }</pre>
 *
 * <p>Like {@code serve}, the first start on a data folder creates an API token in {@code
 * DATA/dev-token} and prints how to use it with curl, wrangler and the SDK; {@link #apiToken()}
 * returns it. One server per data folder: a second start on the same folder throws {@link
 * StartException}. {@link #close()} stops answering, interrupts running instances (they resume at
 * the next start) and releases the folder.
 */
public final class Stepflow implements AutoCloseable {
  private final StepflowServer server;

  private Stepflow(StepflowServer server) {
    this.server = server;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The API's base URL, e.g. {@code http://127.0.0.1:8787/client/v4}. */
  public String baseUrl() {
    return server.baseUrl();
  }

  /** The port it listens on (the one chosen when started on port 0). */
  public int port() {
    return server.port();
  }

  /** {@code GET} answers 200 while the server is up; it needs no token. */
  public String healthUrl() {
    return server.healthUrl();
  }

  /**
   * The dev token's secret (edit rights on every account), when this server keeps one in its data
   * folder; empty with {@link Builder#insecureNoAuth()} or {@link Builder#tokensFile(Path)}.
   */
  public Optional<String> apiToken() {
    return server.devToken();
  }

  @Override
  public void close() {
    server.close();
  }

  /** What to start; every setting has the default of {@code stepflow serve}. */
  public static final class Builder {
    private final WorkflowRegistry registry = new WorkflowRegistry();
    private String host = "127.0.0.1";
    private int port = 8787;
    private Path dataDir = Path.of("data");
    private Durability durability = Durability.NORMAL;
    private Config.Access access = Config.Access.DEFAULT;
    private int maxRunning = Config.DEFAULT_MAX_RUNNING;
    private StoreSettings store = StoreSettings.SQLITE;
    private boolean banner = true;

    private Builder() {}

    /** The address to bind; 127.0.0.1 by default, so nothing outside this machine reaches it. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 8787 by default, 0 picks a free one ({@link Stepflow#port()} tells which). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The data folder: the SQLite database, the tokens, the lock. {@code ./data} by default. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    /**
     * Runs {@code type} for every workflow whose {@code class_name} is its simple name, a new
     * object per run (its public no-argument constructor is checked now).
     */
    public Builder register(Class<? extends Workflow> type) {
      registry.add(type);
      return this;
    }

    /**
     * Runs this one object for every instance of every workflow whose {@code class_name} is its
     * class's simple name: it runs several instances at once, so it must keep no state of its own
     * between calls of {@code run}.
     */
    public Builder register(Workflow workflow) {
      registry.add(workflow);
      return this;
    }

    /** Runs a workflow object from {@code factory} (one per run) for {@code className}. */
    public Builder register(String className, Supplier<? extends Workflow> factory) {
      registry.add(className, factory);
      return this;
    }

    /** Also runs Stepflow's built-in {@code Scripted} and {@code OrderFulfilment} classes. */
    public Builder builtInWorkflows() {
      WorkflowRegistry builtIns = StepflowServer.builtInWorkflows(EffectLog.NONE);
      builtIns.names().forEach(name -> registry.add(name, builtIns.factory(name).orElseThrow()));
      return this;
    }

    /** Accepts every request without a token, for every account: for tests on this machine. */
    public Builder insecureNoAuth() {
      this.access = new Config.Access(null, true);
      return this;
    }

    /**
     * Checks tokens against this file (see {@code stepflow token create}); no dev token is made.
     */
    public Builder tokensFile(Path tokensFile) {
      this.access = new Config.Access(Objects.requireNonNull(tokensFile, "tokensFile"), false);
      return this;
    }

    /** At most this many instances run at once (waiting ones do not count); 1,000 by default. */
    public Builder maxRunning(int maxRunning) {
      this.maxRunning = maxRunning;
      return this;
    }

    /** Keeps the data in PostgreSQL instead of SQLite: several nodes may share one database. */
    public Builder postgres(String jdbcUrl, String user, String password) {
      this.store = StoreSettings.postgres(jdbcUrl, user, password, StoreSettings.DEFAULT_POOL_SIZE);
      return this;
    }

    /** Whether {@link #start()} prints the address and how to use the token (yes by default). */
    public Builder printBanner(boolean banner) {
      this.banner = banner;
      return this;
    }

    /**
     * Checks the data folder, the port and the store, then starts the engine and serves.
     *
     * @throws StartException when a check fails; nothing ran and nothing is left open
     * @throws IllegalArgumentException for a setting it cannot use
     */
    public Stepflow start() {
      Config config =
          Config.of(host, port, dataDir, Config.durabilityNamed(durability.name().toLowerCase()))
              .withMaxRunning(maxRunning)
              .withAccess(access)
              .withStore(store);
      StepflowServer server;
      try {
        server = StepflowServer.start(config, registry);
      } catch (StartFailure e) {
        throw new StartException(e.getMessage(), e);
      }
      if (banner) {
        System.out.print(
            StartBanner.text(
                server.baseUrl(),
                server.healthUrl(),
                server.dashboardUrl(),
                server.dashboardLoginUrl(),
                server.tokens(),
                null));
        System.out.flush();
      }
      return new Stepflow(server);
    }
  }
}
