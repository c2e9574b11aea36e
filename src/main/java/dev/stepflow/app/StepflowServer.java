package dev.stepflow.app;

import dev.stepflow.auth.TokenSetup;
import dev.stepflow.domain.Transitions;
import dev.stepflow.engine.runtime.Engine;
import dev.stepflow.engine.runtime.NodeSettings;
import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.engine.service.AuditLog;
import dev.stepflow.engine.service.BulkJobs;
import dev.stepflow.engine.service.CreationRateLimiter;
import dev.stepflow.engine.service.Housekeeping;
import dev.stepflow.engine.service.IdempotencyKeys;
import dev.stepflow.engine.service.InstanceControl;
import dev.stepflow.engine.service.InstanceService;
import dev.stepflow.engine.service.WorkflowService;
import dev.stepflow.http.ApiApplication;
import dev.stepflow.http.Authentication;
import dev.stepflow.http.BodySizeLimit;
import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcAuditStore;
import dev.stepflow.store.jdbc.JdbcBulkJobStore;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.jdbc.JdbcIdempotencyStore;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.jdbc.JdbcNodeStore;
import dev.stepflow.store.jdbc.JdbcScheduleStore;
import dev.stepflow.store.jdbc.JdbcWorkflowStore;
import dev.stepflow.web.CannotServe;
import dev.stepflow.web.HttpFront;
import dev.stepflow.workflow.builtin.EffectLog;
import dev.stepflow.workflow.builtin.OrderFulfilment;
import dev.stepflow.workflow.builtin.Scripted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: locks the data folder, binds the port, opens the store, builds the engine
 * services and the Jersey application, starts the engine, and only then serves them on Jetty with
 * one virtual thread per request ({@link HttpFront}). {@code /client/v4} is Jersey; {@code
 * /healthz} (liveness), {@code /readyz} (readiness, {@link ReadinessCheck}), {@code /metrics}
 * (Prometheus, {@link ServerMetrics}) and every other path are answered by the front.
 */
public final class StepflowServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StepflowServer.class);
  public static final String BASE_PATH = "/client/v4";

  /** Where the web dashboard is served. */
  public static final String DASHBOARD_PATH = "/ui";

  /**
   * Jersey warns, through java.util.logging, that the resources registered as objects do not also
   * implement a provider interface; they are not meant to. Silenced here so an embedding
   * application's log does not show it (the standalone server's ServerLogging does the same). A
   * field: java.util.logging forgets the level of a logger nobody holds.
   */
  private static final java.util.logging.Logger JERSEY_PROVIDERS =
      java.util.logging.Logger.getLogger("org.glassfish.jersey.internal.inject.Providers");

  static {
    JERSEY_PROVIDERS.setLevel(java.util.logging.Level.SEVERE);
  }

  private final ServerParts parts;
  private final TokenSetup.Outcome tokens;

  private StepflowServer(ServerParts parts, TokenSetup.Outcome tokens) {
    this.parts = parts;
    this.tokens = tokens;
  }

  /** The workflow classes every server knows: the built-in Scripted and OrderFulfilment. */
  public static WorkflowRegistry builtInWorkflows(EffectLog effects) {
    return new WorkflowRegistry()
        .register(Scripted.CLASS_NAME, () -> new Scripted(effects))
        .register(OrderFulfilment.CLASS_NAME, () -> new OrderFulfilment(effects));
  }

  public static StepflowServer start(Config config) {
    EffectLog effects =
        config.effectsLog() == null ? EffectLog.NONE : EffectLog.toFile(config.effectsLog());
    return start(config, builtInWorkflows(effects));
  }

  /**
   * Starts a server that runs the workflow classes of {@code registry} (an embedding
   * application's). Every check that can fail (the data folder and its lock, the port, the tokens,
   * the store) runs before the engine starts, and the engine starts before requests are answered: a
   * start that fails has claimed no work, and closes what it opened before it throws ({@link
   * StartFailure}, or {@link IllegalArgumentException} for a configuration it cannot use).
   */
  public static StepflowServer start(Config config, WorkflowRegistry registry) {
    return start(config, registry, Clock.systemUTC());
  }

  /**
   * As {@link #start(Config, WorkflowRegistry)}, on the time of {@code clock}: the test kit's
   * clock, which a test moves on to let sleeps, retry delays and event timeouts come due at once.
   */
  public static StepflowServer start(Config config, WorkflowRegistry registry, Clock clock) {
    ServerParts parts = new ServerParts();
    try {
      TokenSetup.Outcome tokens = openChecked(config, parts);
      Services services = wire(config, registry, clock, parts);
      parts.front.mountApi(
          BASE_PATH, services.api(authentication(tokens)), BodySizeLimit.MAX_BODY_BYTES);
      parts.front.mountHealth("/healthz");
      parts.front.mountDashboard(DASHBOARD_PATH);
      Database database = parts.database;
      Engine engine = parts.engine;
      ReadinessCheck readiness = ReadinessCheck.of(database::ping, engine::dispatching);
      parts.front.mountReadiness("/readyz", readiness);
      parts.metrics.watchReadiness(readiness);
      parts.metrics.mount(parts.front);
      startEngine(parts.engine, config);
      parts.bulkJobs.start();
      parts.housekeeping.start();
      serve(parts.front);
      StepflowServer server = new StepflowServer(parts, tokens);
      server.logStart(config);
      return server;
    } catch (RuntimeException | Error e) {
      closeAfterFailedStart(parts, e);
      throw e;
    }
  }

  private static void serve(HttpFront front) {
    try {
      front.serve();
    } catch (CannotServe e) {
      throw new StartFailure(e.getMessage(), e);
    }
  }

  /**
   * The checks, in the order that changes least before one fails: the data folder and its lock, the
   * port, the tokens (read only), the store; then the dev token of a first start. Returns the
   * tokens, or null with {@code --insecure-no-auth}.
   */
  private static TokenSetup.Outcome openChecked(Config config, ServerParts parts) {
    parts.storePreparation = config.store().prepareToOpen();
    if (usesDataFolder(config)) {
      WritableFolder.require(config.dataDir(), "--data");
      parts.folderLock = DataFolderLock.acquire(config.dataDir());
    }
    parts.front = bindFront(config);
    Config.Access access = config.access();
    boolean withTokens = !access.insecureNoAuth();
    if (withTokens) {
      TokenSetup.check(config.dataDir(), access.tokensFile());
    }
    parts.database = openStore(config);
    return withTokens ? TokenSetup.prepare(config.dataDir(), access.tokensFile()) : null;
  }

  private static HttpFront bindFront(Config config) {
    try {
      HttpFront front =
          HttpFront.bind(config.host(), config.port(), config.http().limits(), config.http().tls());
      Integer metricsPort = config.metrics().port();
      if (metricsPort != null) {
        try {
          front.bindMetricsPort(metricsPort);
        } catch (CannotServe e) {
          front.close();
          throw new CannotServe("--metrics-port: " + e.getMessage(), e);
        }
      }
      return front;
    } catch (CannotServe e) {
      throw new StartFailure(e.getMessage(), e);
    }
  }

  private static Database openStore(Config config) {
    try {
      return config.store().open(config.dataDir(), config.durability());
    } catch (StoreUnavailable e) {
      throw storeFailure("Cannot open the store", config, e);
    }
  }

  /** The engine and the services over the opened store; nothing runs yet. */
  private static Services wire(
      Config config, WorkflowRegistry registry, Clock clock, ServerParts parts) {
    Database database = parts.database;
    Monitoring metrics = Monitoring.of(config.metrics());
    parts.metrics = metrics;
    metrics.watchStore(database);
    JdbcInstanceStore instanceStore = new JdbcInstanceStore(database);
    JdbcWorkflowStore workflowStore = new JdbcWorkflowStore(database);
    JdbcNodeStore nodeStore = new JdbcNodeStore(database);
    NodeSettings node = nodeSettings(config);
    Engine engine =
        new Engine(
            new JdbcEngineStore(config.store().forRuns(database)),
            nodeStore,
            database.signals(),
            registry,
            clock,
            config.maxRunning(),
            node,
            metrics.engine());
    engine.fireSchedulesOf(new JdbcScheduleStore(database));
    parts.engine = engine;
    metrics.watchEngine(engine, nodeStore, clock);
    metrics.watchCounts(workflowStore);
    WorkflowService workflows = new WorkflowService(workflowStore, clock, registry, engine);
    InstanceControl control =
        new InstanceControl(instanceStore, Transitions.TABLE, clock, engine, metrics.engine());
    CreationRateLimiter creationRate =
        new CreationRateLimiter(
            config.creationRates().perAccount(), config.creationRates().perWorkflow());
    InstanceService instances =
        new InstanceService(instanceStore, workflowStore, nodeStore, clock, engine, creationRate);
    JdbcBulkJobStore bulkJobStore = new JdbcBulkJobStore(database);
    parts.bulkJobs =
        new BulkJobs(
            bulkJobStore,
            workflowStore,
            control,
            instances,
            Transitions.TABLE,
            node.nodeId(),
            node.leaseTime(),
            node.alone(),
            clock);
    AuditLog audit = new AuditLog(new JdbcAuditStore(database), clock, config.auditRetention());
    parts.audit = audit;
    IdempotencyKeys keys =
        new IdempotencyKeys(new JdbcIdempotencyStore(database), clock, !config.store().shared());
    parts.housekeeping = new Housekeeping(audit, keys, bulkJobStore);
    return new Services(
        workflows,
        instances,
        control,
        parts.bulkJobs,
        new ApiApplication.ControlRecords(audit, keys),
        metrics);
  }

  /** What the Jersey application serves. */
  private record Services(
      WorkflowService workflows,
      InstanceService instances,
      InstanceControl control,
      BulkJobs bulkJobs,
      ApiApplication.ControlRecords records,
      Monitoring metrics) {
    ResourceConfig api(Authentication authentication) {
      return metrics.timeRequests(
          ApiApplication.create(workflows, instances, control, bulkJobs, records, authentication));
    }
  }

  private static Authentication authentication(TokenSetup.Outcome tokens) {
    return tokens == null
        ? Authentication.insecure()
        : Authentication.requiringTokens(tokens.registry());
  }

  /** The engine's start takes over what a previous process left; a store that fails it is told. */
  private static void startEngine(Engine engine, Config config) {
    try {
      engine.start();
    } catch (StoreUnavailable e) {
      throw storeFailure("Cannot start the engine", config, e);
    }
  }

  /** "WHAT (data in WHERE): why. What to check." */
  private static StartFailure storeFailure(String what, Config config, StoreUnavailable e) {
    // the cause says why; StoreUnavailable's own message is for HTTP clients ("try again shortly")
    Throwable why = e.getCause() == null ? e : e.getCause();
    return new StartFailure(
        what
            + " ("
            + config.store().describe(config.dataDir())
            + "): "
            + StartFailure.reasons(why)
            + ". "
            + config.store().openAdvice(),
        e);
  }

  private static void closeAfterFailedStart(ServerParts parts, Throwable failure) {
    try {
      parts.close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private void logStart(Config config) {
    log.info(
        "Stepflow serving {} ({}; node {}, leases of {} s)",
        baseUrl(),
        config.store().describe(config.dataDir()),
        parts.engine.nodeId(),
        config.cluster().leaseTime().toSeconds());
    metricsUrl().ifPresent(url -> log.info("Metrics at {}", url));
    if (tokens == null) {
      log.warn(
          "--insecure-no-auth: every request is accepted without an API token, for every account");
    } else {
      log.info("API tokens from {} ({})", tokens.tokensFile(), tokens.tokenCount());
    }
  }

  /** SQLite keeps its file there, and the tokens are there unless a tokens file is named. */
  private static boolean usesDataFolder(Config config) {
    boolean tokensInDataFolder =
        !config.access().insecureNoAuth() && config.access().tokensFile() == null;
    return !config.store().shared() || tokensInDataFolder;
  }

  /**
   * The node's id (given, or generated), lease time and state limit; a SQLite store has no other
   * node.
   */
  private static NodeSettings nodeSettings(Config config) {
    String id =
        config.cluster().nodeId() != null ? config.cluster().nodeId() : NodeSettings.generatedId();
    return new NodeSettings(
        id, config.cluster().leaseTime(), !config.store().shared(), config.maxInstanceStateBytes());
  }

  /**
   * The dev token's secret (edit rights on every account), when this server keeps one in its data
   * folder: empty with {@code --insecure-no-auth} or a tokens file of its own.
   */
  public Optional<String> devToken() {
    return tokens()
        .map(TokenSetup.Outcome::devTokenFile)
        .filter(Files::isReadable)
        .map(StepflowServer::readToken);
  }

  private static String readToken(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the dev token in " + file, e);
    }
  }

  /** The tokens in use, or empty with {@code --insecure-no-auth}. */
  public Optional<TokenSetup.Outcome> tokens() {
    return Optional.ofNullable(tokens);
  }

  /** The actual port, useful when started on port 0. */
  public int port() {
    return parts.front.address().getPort();
  }

  public String baseUrl() {
    InetSocketAddress address = parts.front.address();
    return parts.front.scheme()
        + "://"
        + address.getHostString()
        + ":"
        + address.getPort()
        + BASE_PATH;
  }

  /** The liveness check's URL. */
  public String healthUrl() {
    InetSocketAddress address = parts.front.address();
    return parts.front.scheme()
        + "://"
        + address.getHostString()
        + ":"
        + address.getPort()
        + "/healthz";
  }

  /** The web dashboard's URL (it asks for a token; see {@link #dashboardLoginUrl}). */
  public String dashboardUrl() {
    return healthUrl().replaceFirst("/healthz$", DASHBOARD_PATH + "/");
  }

  /**
   * The dashboard's URL with the dev token in its fragment, which the page reads once, keeps in the
   * tab's session storage and removes from the address bar (a fragment is never sent to a server,
   * so it reaches no access log or proxy). Empty without a dev token.
   */
  public Optional<String> dashboardLoginUrl() {
    return devToken().map(token -> dashboardUrl() + "#token=" + token);
  }

  /** The readiness check's URL. */
  public String readyUrl() {
    return healthUrl().replaceFirst("/healthz$", "/readyz");
  }

  /**
   * The scrape URL: on the metrics port when one is bound, else on the API's port; empty with
   * {@code --metrics off}.
   */
  public Optional<String> metricsUrl() {
    if (parts.metrics == Monitoring.OFF) {
      return Optional.empty();
    }
    InetSocketAddress address = parts.front.metricsAddress().orElse(parts.front.address());
    return Optional.of(
        parts.front.scheme()
            + "://"
            + address.getHostString()
            + ":"
            + address.getPort()
            + "/metrics");
  }

  /**
   * Tells the engine to look for due work now rather than at its next poll: the test kit calls it
   * after moving its clock on.
   */
  public void wakeEngine() {
    parts.engine.workAvailable();
  }

  /**
   * Whether the engine has nothing to do until time passes or a client acts ({@link Engine#idle}).
   */
  public boolean engineIdle() {
    return parts.engine.idle();
  }

  /** When the earliest timer (a sleep, a retry backoff, an event timeout) comes due, if any. */
  public Optional<Instant> nextTimer() {
    return parts.engine.nextTimer();
  }

  /** Stops answering and running, closes the store and releases the data folder. */
  @Override
  public void close() {
    parts.close();
  }
}
