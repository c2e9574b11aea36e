package dev.stepflow.app;

import com.sun.net.httpserver.HttpServer;
import dev.stepflow.auth.TokenSetup;
import dev.stepflow.domain.Transitions;
import dev.stepflow.engine.runtime.Engine;
import dev.stepflow.engine.runtime.NodeSettings;
import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.engine.service.CreationRateLimiter;
import dev.stepflow.engine.service.InstanceControl;
import dev.stepflow.engine.service.InstanceService;
import dev.stepflow.engine.service.TerminateAllJobs;
import dev.stepflow.engine.service.WorkflowService;
import dev.stepflow.http.ApiApplication;
import dev.stepflow.http.Authentication;
import dev.stepflow.http.HeaderSizeLimit;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.jdbc.JdbcNodeStore;
import dev.stepflow.store.jdbc.JdbcWorkflowStore;
import dev.stepflow.workflow.builtin.EffectLog;
import dev.stepflow.workflow.builtin.OrderFulfilment;
import dev.stepflow.workflow.builtin.Scripted;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.glassfish.jersey.jdkhttp.JdkHttpServerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The composition root: opens the store, builds the engine services and the Jersey application, and
 * serves them on the JDK's HTTP server with one virtual thread per request. {@code /client/v4} is
 * Jersey; {@code /healthz} and every other path are answered by {@link FallbackHandlers}.
 */
public final class StepflowServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StepflowServer.class);
  public static final String BASE_PATH = "/client/v4";
  private static final int DRAIN_BYTES = 64 * 1024 * 1024;

  /**
   * The JDK server's own bound on request headers; past it the connection is closed unanswered.
   * {@link HeaderSizeLimit} answers in the envelope below it.
   */
  private static final int HARD_HEADER_BYTES = 64 * 1024;

  private final Database database;
  private final Engine engine;
  private final HttpServer http;
  private final ExecutorService requests;
  private final TokenSetup.Outcome tokens;

  private StepflowServer(
      Database database,
      Engine engine,
      HttpServer http,
      ExecutorService requests,
      TokenSetup.Outcome tokens) {
    this.database = database;
    this.engine = engine;
    this.http = http;
    this.requests = requests;
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
   * application's).
   */
  public static StepflowServer start(Config config, WorkflowRegistry registry) {
    routeJulToSlf4j();
    // TCP_NODELAY: with Nagle's algorithm on, the last part of a small response waits for the
    // client's delayed ACK of the first, which would add the client's ACK delay to every answer
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // a body refused early (413) is drained before the connection closes, or the client may get a
    // reset instead of the answer; the JDK server drains only 64 KiB by default
    System.setProperty("sun.net.httpserver.drainAmount", String.valueOf(DRAIN_BYTES));
    System.setProperty("sun.net.httpserver.maxReqHeaderSize", String.valueOf(HARD_HEADER_BYTES));
    if (usesDataFolder(config)) {
      WritableFolder.require(config.dataDir(), "--data");
    }
    TokenSetup.Outcome tokens =
        config.access().insecureNoAuth()
            ? null
            : TokenSetup.prepare(config.dataDir(), config.access().tokensFile());
    Authentication authentication =
        tokens == null
            ? Authentication.insecure()
            : Authentication.requiringTokens(tokens.registry());
    Database database = config.store().open(config.dataDir(), config.durability());
    Clock clock = Clock.systemUTC();
    JdbcInstanceStore instanceStore = new JdbcInstanceStore(database);
    JdbcWorkflowStore workflowStore = new JdbcWorkflowStore(database);
    NodeSettings node = nodeSettings(config);
    Engine engine =
        new Engine(
            new JdbcEngineStore(database),
            new JdbcNodeStore(database),
            database.signals(),
            registry,
            clock,
            config.maxRunning(),
            node);
    WorkflowService workflows = new WorkflowService(workflowStore, clock, registry, engine);
    InstanceControl control = new InstanceControl(instanceStore, Transitions.TABLE, clock, engine);
    CreationRateLimiter creationRate =
        new CreationRateLimiter(
            config.creationRates().perAccount(), config.creationRates().perWorkflow());
    InstanceService instances =
        new InstanceService(instanceStore, workflowStore, clock, engine, creationRate);
    TerminateAllJobs terminateAll = new TerminateAllJobs(instanceStore, control);
    engine.start();

    URI base = URI.create("http://" + config.host() + ":" + config.port() + BASE_PATH + "/");
    HttpServer http =
        JdkHttpServerFactory.createHttpServer(
            base,
            ApiApplication.create(workflows, instances, control, terminateAll, authentication),
            false);
    http.createContext("/healthz", FallbackHandlers.health());
    http.createContext("/", FallbackHandlers.noRoute());
    ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    http.setExecutor(requests);
    http.start();
    StepflowServer server = new StepflowServer(database, engine, http, requests, tokens);
    log.info(
        "Stepflow serving {} ({}; node {}, leases of {} s)",
        server.baseUrl(),
        config.store().describe(config.dataDir()),
        node.nodeId(),
        node.leaseTime().toSeconds());
    if (tokens == null) {
      log.warn(
          "--insecure-no-auth: every request is accepted without an API token, for every account");
    } else {
      log.info("API tokens from {} ({})", tokens.tokensFile(), tokens.tokenCount());
    }
    return server;
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
   * Jersey logs through java.util.logging; send it to SLF4J so logback.xml's levels apply to it.
   */
  private static synchronized void routeJulToSlf4j() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  /** The tokens in use, or empty with {@code --insecure-no-auth}. */
  public Optional<TokenSetup.Outcome> tokens() {
    return Optional.ofNullable(tokens);
  }

  /** The actual port, useful when started on port 0. */
  public int port() {
    return http.getAddress().getPort();
  }

  public String baseUrl() {
    InetSocketAddress address = http.getAddress();
    return "http://" + address.getHostString() + ":" + address.getPort() + BASE_PATH;
  }

  @Override
  public void close() {
    http.stop(0);
    engine.close();
    requests.shutdown();
    database.close();
  }
}
