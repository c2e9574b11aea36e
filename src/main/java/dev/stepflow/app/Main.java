package dev.stepflow.app;

import dev.stepflow.domain.Limits;
import dev.stepflow.engine.runtime.NodeSettings;
import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.web.HttpFront;
import dev.stepflow.web.HttpLimits;
import dev.stepflow.web.Tls;
import dev.stepflow.workflow.builtin.EffectLog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code stepflow serve [--host H] [--port N] [--data DIR] [--durability D]
 * [--store sqlite|postgres --db-url URL ...] [--workflows DIR] [--log-format text|json]}.
 */
@Command(
    name = "stepflow",
    mixinStandardHelpOptions = true,
    version = "Stepflow 0.1.0",
    description = "Self-hosted durable workflows with the Cloudflare Workflows REST API (v4).",
    subcommands = {Main.Serve.class, TokenCommand.class})
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  public static void main(String[] args) {
    WarmStart.begin();
    routeJulToSlf4j();
    System.exit(
        new CommandLine(new Main())
            .setParameterExceptionHandler(Main::reportUsageError)
            .setExecutionExceptionHandler(Main::reportConfigurationError)
            .execute(args));
  }

  /**
   * A value the options do not allow is told in one line with exit code 2, then where the options
   * are described: the whole usage text would push the message out of sight.
   */
  private static int reportUsageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * A configuration the commands cannot use (a tokens file that is not valid, a node id in use) and
   * a start that cannot go on (the data folder in use, the port taken, the store not opened) are
   * told in one line with exit code 2; anything else is a bug and keeps its stack trace.
   */
  private static int reportConfigurationError(
      Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof IllegalArgumentException || e instanceof StartFailure) {
      command.getErr().println(e.getMessage());
      return 2;
    }
    throw e;
  }

  /** Runs the server in the foreground until the process is stopped. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the API server.")
  static final class Serve implements Callable<Integer> {
    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Address to bind (${DEFAULT-VALUE}).")
    String host;

    @Option(
        names = "--port",
        defaultValue = "8787",
        description = "Port (${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
        names = "--data",
        defaultValue = "data",
        description = "Data folder (${DEFAULT-VALUE}).")
    Path data;

    @Option(
        names = "--durability",
        defaultValue = "normal",
        description =
            "normal: acknowledged changes survive a crash of the process (default);"
                + " full: they also survive power loss (fsync per commit batch).")
    String durability;

    @Option(
        names = "--max-running",
        defaultValue = "" + Config.DEFAULT_MAX_RUNNING,
        description =
            "Instances that may run at once; waiting ones do not count (${DEFAULT-VALUE}).")
    int maxRunning;

    @Option(
        names = "--effects-log",
        description = "File where the built-in workflows log every step attempt (demos, tests).")
    Path effectsLog;

    @Option(
        names = "--tokens",
        description =
            "API tokens file (default: DATA/tokens.json, created with a dev token on the first"
                + " start). Manage it with: stepflow token create|list|revoke.")
    Path tokens;

    @Option(
        names = "--insecure-no-auth",
        description = "Accept every request without an API token. Never on a shared machine.")
    boolean insecureNoAuth;

    @Option(
        names = "--create-rate-per-account",
        defaultValue = "" + Config.CreationRates.DEFAULT_PER_ACCOUNT,
        description = "Instances that may be created per second in one account; 0: no limit.")
    int createRatePerAccount;

    @Option(
        names = "--create-rate-per-workflow",
        defaultValue = "" + Config.CreationRates.DEFAULT_PER_WORKFLOW,
        description = "Instances that may be created per second in one workflow; 0: no limit.")
    int createRatePerWorkflow;

    @Option(
        names = "--store",
        defaultValue = "${env:STEPFLOW_STORE:-sqlite}",
        description =
            "sqlite: a file in the data folder (default); postgres: the database of --db-url, which"
                + " several nodes may share. Environment: STEPFLOW_STORE.")
    String store;

    @Option(
        names = "--db-url",
        defaultValue = "${env:STEPFLOW_DB_URL}",
        description =
            "PostgreSQL JDBC URL, e.g. jdbc:postgresql://localhost:5432/stepflow."
                + " Environment: STEPFLOW_DB_URL.")
    String dbUrl;

    @Option(
        names = "--db-user",
        defaultValue = "${env:STEPFLOW_DB_USER}",
        description = "PostgreSQL user. Environment: STEPFLOW_DB_USER.")
    String dbUser;

    // no ${DEFAULT-VALUE} in the description: --help would print the password
    @Option(
        names = "--db-password",
        defaultValue = "${env:STEPFLOW_DB_PASSWORD}",
        description =
            "PostgreSQL password. Prefer the environment variable STEPFLOW_DB_PASSWORD: a command"
                + " line is visible to every user of the machine.")
    String dbPassword;

    @Option(
        names = "--db-pool-size",
        defaultValue = "${env:STEPFLOW_DB_POOL_SIZE:-" + StoreSettings.DEFAULT_POOL_SIZE + "}",
        description =
            "PostgreSQL connections this node opens at most (${DEFAULT-VALUE})."
                + " Environment: STEPFLOW_DB_POOL_SIZE.")
    int dbPoolSize;

    @Option(
        names = "--node-id",
        defaultValue = "${env:STEPFLOW_NODE_ID}",
        description =
            "This node's id among the nodes sharing a PostgreSQL store; unique per node (default:"
                + " host-pid-random). Environment: STEPFLOW_NODE_ID.")
    String nodeId;

    @Option(
        names = "--lease-seconds",
        defaultValue = "${env:STEPFLOW_LEASE_SECONDS:-" + NodeSettings.DEFAULT_LEASE_SECONDS + "}",
        description =
            "How long a node's lease on a running instance lasts without renewal (${DEFAULT-VALUE});"
                + " another node takes over a dead node's instances this long after its last"
                + " renewal. Environment: STEPFLOW_LEASE_SECONDS.")
    int leaseSeconds;

    @Option(
        names = "--max-instance-state-bytes",
        defaultValue = "" + Limits.DEFAULT_MAX_INSTANCE_STATE_BYTES,
        description =
            "Persisted state an instance may reach: params, step outputs, errors and attempt logs,"
                + " its output (${DEFAULT-VALUE}, Cloudflare's 100 MB). The step that would pass"
                + " it fails for good.")
    long maxInstanceStateBytes;

    @Option(
        names = "--audit-retention-days",
        defaultValue = "${env:STEPFLOW_AUDIT_RETENTION_DAYS:-90}",
        description =
            "Days the audit log (GET /accounts/{a}/audit) keeps an entry, and a bulk job is kept"
                + " after it ended (${DEFAULT-VALUE}); older ones are deleted by a background purge."
                + " Environment: STEPFLOW_AUDIT_RETENTION_DAYS.")
    int auditRetentionDays;

    @Option(
        names = "--idle-timeout",
        defaultValue = "" + HttpLimits.DEFAULT_IDLE_SECONDS,
        description =
            "Seconds a connection may stay silent before it is closed; a request waiting that long"
                + " for more of its body is answered 408 (${DEFAULT-VALUE}).")
    long idleTimeoutSeconds;

    @Option(
        names = "--header-timeout",
        defaultValue = "" + HttpLimits.DEFAULT_HEADER_SECONDS,
        description =
            "Seconds the request line and headers may take from their first byte; slower clients"
                + " (slowloris) are answered 408 and closed (${DEFAULT-VALUE}).")
    long headerTimeoutSeconds;

    @Option(
        names = "--body-timeout",
        defaultValue = "" + HttpLimits.DEFAULT_BODY_SECONDS,
        description =
            "Seconds a request body may take from its first read; slower ones are answered 408"
                + " (${DEFAULT-VALUE}).")
    long bodyTimeoutSeconds;

    @Option(
        names = "--max-connections",
        description =
            "Connections served at once; more wait until one closes (default: 1000, fewer when"
                + " the process may open fewer files).")
    Integer maxConnections;

    @Option(
        names = "--max-header-bytes",
        defaultValue = "" + HttpLimits.DEFAULT_MAX_HEADER_BYTES,
        description =
            "Request line and headers, in bytes; more is answered 431 (${DEFAULT-VALUE}).")
    int maxHeaderBytes;

    @Option(
        names = "--max-header-count",
        defaultValue = "" + HttpLimits.DEFAULT_MAX_HEADER_COUNT,
        description = "Request header fields; more are answered 431 (${DEFAULT-VALUE}).")
    int maxHeaderCount;

    @Option(
        names = "--tls-cert",
        defaultValue = "${env:STEPFLOW_TLS_CERT}",
        description =
            "PEM certificate chain: serve HTTPS (HTTP/2 or HTTP/1.1) with --tls-key."
                + " Environment: STEPFLOW_TLS_CERT.")
    Path tlsCert;

    @Option(
        names = "--tls-key",
        defaultValue = "${env:STEPFLOW_TLS_KEY}",
        description = "PEM private key (PKCS#8) of --tls-cert. Environment: STEPFLOW_TLS_KEY.")
    Path tlsKey;

    @Option(
        names = "--tls-plain-http",
        defaultValue = "refuse",
        description =
            "With TLS, what the port does with plain HTTP: refuse (400, never redirected; default)"
                + " or serve.")
    String tlsPlainHttp;

    @Option(
        names = "--workflows",
        defaultValue = "${env:STEPFLOW_WORKFLOWS}",
        description =
            "Folder of workflow jars: each *.jar in it registers the classes its"
                + " META-INF/services/dev.stepflow.workflow.Workflow lists, by simple class name."
                + " Environment: STEPFLOW_WORKFLOWS.")
    Path workflows;

    @Option(
        names = "--log-format",
        defaultValue = "${env:STEPFLOW_LOG_FORMAT:-text}",
        description =
            "text: lines for people (default); json: one JSON object per line, with the instance,"
                + " workflow, account, run id and step of the lines about a run."
                + " Environment: STEPFLOW_LOG_FORMAT.")
    String logFormat;

    @Option(
        names = "--metrics",
        defaultValue = "${env:STEPFLOW_METRICS:-on}",
        description =
            "on: serve GET /metrics, the Prometheus text format (default); off: measure nothing"
                + " and serve no /metrics. Environment: STEPFLOW_METRICS.")
    String metrics;

    @Option(
        names = "--metrics-port",
        defaultValue = "${env:STEPFLOW_METRICS_PORT}",
        description =
            "Serve /metrics on this port of --host instead of the API's port (0: any free"
                + " port). Environment: STEPFLOW_METRICS_PORT.")
    Integer metricsPort;

    @Option(
        names = "--metrics-token-file",
        defaultValue = "${env:STEPFLOW_METRICS_TOKEN_FILE}",
        description =
            "File whose first line is the bearer token /metrics then asks for (at least 16"
                + " characters). Environment: STEPFLOW_METRICS_TOKEN_FILE.")
    Path metricsTokenFile;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      // first: every line the server logs is in the chosen format
      LogFormat format = logFormat();
      format.apply();
      Config config = config();
      WorkflowRegistry registry = StepflowServer.builtInWorkflows(effectLog(config));
      WorkflowFolder folder =
          workflows == null ? WorkflowFolder.none() : WorkflowFolder.load(workflows, registry);
      StepflowServer server = start(config, registry, folder);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    log.info(
                        "Stopping: new requests are refused, those in progress get {} s; running"
                            + " instances are interrupted and resume at the next start (or on"
                            + " another node)",
                        HttpFront.STOP_GRACE.toSeconds());
                    server.close();
                    folder.close();
                    log.info("Stopped");
                    stopped.countDown();
                  }));
      // the log's own WARN says it too; in JSON, a plain line on stderr would break the log
      if (server.tokens().isEmpty() && format == LogFormat.TEXT) {
        warnInsecure();
      }
      // one write: whoever waits for the "serving" line finds the lines after it there too
      Tls tls = config.http().tls();
      System.out.print(
          StartBanner.text(
                  server.baseUrl(),
                  server.healthUrl(),
                  server.dashboardUrl(),
                  server.dashboardLoginUrl(),
                  server.tokens(),
                  tls == null ? null : tls.certificateFile())
              + server.metricsUrl().map(url -> "Metrics: " + url + "\n").orElse(""));
      System.out.flush();
      stopped.await();
      return 0;
    }

    /**
     * Starts the server with the classes of {@code registry}, then logs what the workflows folder
     * skipped, one line each, and the classes, in one line; after the start, so that a start that
     * fails is told in its one line alone.
     */
    private static StepflowServer start(
        Config config, WorkflowRegistry registry, WorkflowFolder folder) {
      StepflowServer server;
      try {
        server = StepflowServer.start(config, registry);
      } catch (RuntimeException | Error e) {
        folder.close();
        throw e;
      }
      folder.problems().forEach(log::warn);
      log.info(folder.listing(registry));
      return server;
    }

    private static EffectLog effectLog(Config config) {
      return config.effectsLog() == null ? EffectLog.NONE : EffectLog.toFile(config.effectsLog());
    }

    /** The server configuration the options (or their environment variables) chose. */
    Config config() {
      return refusedAsUsage(
          () ->
              Config.of(host, port, data, Config.durabilityNamed(durability))
                  .withMaxRunning(maxRunning)
                  .withEffectsLog(effectsLog)
                  .withAccess(new Config.Access(tokens, insecureNoAuth))
                  .withCreationRates(
                      new Config.CreationRates(createRatePerAccount, createRatePerWorkflow))
                  .withStore(storeSettings())
                  .withCluster(cluster())
                  .withMaxInstanceStateBytes(maxInstanceStateBytes)
                  .withHttp(new Config.Http(httpLimits(), tls()))
                  .withMetrics(
                      new Config.Metrics(
                          Config.Metrics.enabledNamed(metrics), metricsPort, metricsTokenFile))
                  .withAuditRetention(java.time.Duration.ofDays(auditRetentionDays)));
    }

    /** The log format the option (or its environment variable) chose. */
    LogFormat logFormat() {
      return refusedAsUsage(() -> LogFormat.named(logFormat));
    }

    private HttpLimits httpLimits() {
      HttpLimits limits =
          HttpLimits.DEFAULT
              .withIdleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
              .withHeaderTimeout(Duration.ofSeconds(headerTimeoutSeconds))
              .withBodyTimeout(Duration.ofSeconds(bodyTimeoutSeconds))
              .withMaxHeaderBytes(maxHeaderBytes)
              .withMaxHeaderCount(maxHeaderCount);
      return maxConnections == null ? limits : limits.withMaxConnections(maxConnections);
    }

    private Tls tls() {
      Tls.PlainHttp plain = Tls.PlainHttp.named(tlsPlainHttp);
      return tlsCert == null && tlsKey == null ? null : new Tls(tlsCert, tlsKey, plain);
    }

    /** The node id and lease time the options (or their environment variables) chose. */
    Config.Cluster cluster() {
      return refusedAsUsage(() -> new Config.Cluster(nodeId, Duration.ofSeconds(leaseSeconds)));
    }

    /** The store the options (or their environment variables) chose. */
    StoreSettings storeSettings() {
      return refusedAsUsage(
          () ->
              switch (StoreSettings.Kind.named(store)) {
                case SQLITE -> StoreSettings.SQLITE;
                case POSTGRES -> StoreSettings.postgres(dbUrl, dbUser, dbPassword, dbPoolSize);
              });
    }

    /**
     * Makes settings from the options; a value the settings refuse is a usage error, reported as
     * picocli reports its own.
     */
    private <T> T refusedAsUsage(Supplier<T> settings) {
      try {
        return settings.get();
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
      }
    }
  }

  /**
   * Jersey logs through java.util.logging; the standalone server sends it to SLF4J so
   * ServerLogging's levels apply to it. An embedding application keeps its own java.util.logging
   * setup.
   */
  private static void routeJulToSlf4j() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  private static void warnInsecure() {
    System.err.println(
        "WARNING: --insecure-no-auth: anyone who can reach this port can read and change every"
            + " account's workflows.");
  }
}
