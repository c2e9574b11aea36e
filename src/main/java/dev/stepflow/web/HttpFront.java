package dev.stepflow.web;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.jetty.JettyHttpContainer;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The server's address, bound early and served late, on embedded Jetty 12. {@link #bind} takes the
 * port (and reads the TLS files) before the start opens the store or starts the engine, so a port
 * in use fails the start while nothing has changed; connections that arrive before {@link #serve}
 * wait in the socket's backlog. Requests run on virtual threads; the selector threads that read and
 * write the sockets are a few platform threads.
 *
 * <p>In front of the API, in this order: the connection limit, the header deadline (slowloris), the
 * header count, the transfer coding and the declared body size (before any {@code 100 Continue}),
 * and the body deadline. Every answer Jetty gives on its own is the v4 envelope ({@link
 * JsonErrorHandler}); a client that leaves before its answer is written costs no ERROR in the log
 * ({@link ClientGone}).
 */
public final class HttpFront implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpFront.class);

  /**
   * Jetty's parser reads headers up to this many times the limit; {@link RequestGuard} answers the
   * ones between the two with the connection kept.
   */
  static final int PARSER_HEADER_FACTOR = 4;

  private static final String API_CONNECTOR = "api";
  private static final String METRICS_CONNECTOR = "metrics";

  /** Connections a metrics port serves at once: a scraper or two, never a crowd. */
  static final int METRICS_CONNECTIONS = 16;

  /** How long a stop waits for the requests in progress to be answered. */
  public static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(5);

  private final Server server;
  private final ServerConnector connector;
  private final HttpLimits limits;
  private final Tls tls;
  private final ContextHandlerCollection routes = new ContextHandlerCollection();
  private final List<ContextHandler> apiSide = new ArrayList<>();
  private ServerConnector metricsConnector;
  private long maxBodyBytes = Long.MAX_VALUE;
  private boolean serving;
  private boolean closed;

  private HttpFront(Server server, ServerConnector connector, HttpLimits limits, Tls tls) {
    this.server = server;
    this.connector = connector;
    this.limits = limits;
    this.tls = tls;
  }

  /**
   * Binds {@code host:port} (HTTPS with {@code tls}, else plain HTTP); an address that cannot be
   * had, or TLS files that cannot be used, are a {@link CannotServe}.
   */
  public static HttpFront bind(String host, int port, HttpLimits limits, Tls tls) {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new CannotServe(
          "Cannot listen on "
              + host
              + ":"
              + port
              + ": the host name does not resolve. Choose a --host of this machine, e.g."
              + " 127.0.0.1, or 0.0.0.0 for every address.");
    }
    JettyMemoryLayout.describe();
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("http");
    threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("request-"));
    Server server = new Server(threads);
    server.setErrorHandler(new JsonErrorHandler());
    HttpConfiguration http = httpConfiguration(limits);
    ServerConnector connector = new ServerConnector(server, 1, -1, connectionFactories(http, tls));
    connector.setName(API_CONNECTOR);
    configure(connector, host, port, limits);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    HttpFront front = new HttpFront(server, connector, limits, tls);
    open(connector, host, port);
    return front;
  }

  private static void configure(
      ServerConnector connector, String host, int port, HttpLimits limits) {
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.addBean(new HeaderDeadline(limits.headerTimeout(), connector.getScheduler()));
    connector.getServer().addConnector(connector);
  }

  /**
   * Binds a port of its own for {@code /metrics} on the same host (with the same TLS and limits),
   * so that scrapes can be kept apart from the API's port by a firewall; the API's port then
   * answers {@code /metrics} with the v4 404, and this port answers nothing else.
   */
  public void bindMetricsPort(int port) {
    String host = connector.getHost();
    ServerConnector metrics =
        new ServerConnector(server, 1, -1, connectionFactories(httpConfiguration(limits), tls));
    metrics.setName(METRICS_CONNECTOR);
    configure(metrics, host, port, limits);
    server.addBean(new NetworkConnectionLimit(METRICS_CONNECTIONS, metrics));
    metricsConnector = metrics;
    open(metrics, host, port);
  }

  private static void open(ServerConnector connector, String host, int port) {
    try {
      connector.open();
    } catch (IOException e) {
      // Jetty wraps the JDK's BindException ("Failed to bind to ..."); the cause says why
      BindException bind = bindFailure(e);
      throw new CannotServe(
          bind != null
              ? refusal(host, port, bind)
              : "Cannot listen on "
                  + host
                  + ":"
                  + port
                  + ": "
                  + e.getMessage()
                  + ". Choose a --host of this machine, e.g. 127.0.0.1, or 0.0.0.0 for every"
                  + " address.",
          e);
    }
  }

  private static HttpConfiguration httpConfiguration(HttpLimits limits) {
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxHeaderBytes() * PARSER_HEADER_FACTOR);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setIdleTimeout(limits.idleTimeout().toMillis());
    // Every path is handed to the API as it came, which checks each path value itself and answers
    // 400 or 404 with what is wrong: an encoded "/" (cron instance ids contain one), "%", ";",
    // control characters, bytes that are not UTF-8, "..". Jetty's stricter defaults guard file
    // serving and path-based security rules, neither of which exists here; and a request Jetty
    // refuses is answered, but its connection is reset as soon as more of the request arrives, so a
    // client still sending its body loses the answer
    http.setUriCompliance(UriCompliance.UNSAFE);
    return http;
  }

  /**
   * Plain HTTP/1.1; or, with TLS, a detector that hands TLS connections to TLS (then ALPN: HTTP/2
   * or HTTP/1.1) and plain ones to HTTP/1.1, which {@link RequestGuard} refuses unless asked to
   * serve them.
   */
  private static ConnectionFactory[] connectionFactories(HttpConfiguration http, Tls tls) {
    if (tls == null) {
      return new ConnectionFactory[] {new HttpConnectionFactory(http)};
    }
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // the client checks the certificate against the host it asked for; a server-side check would
    // refuse clients that reach a "localhost" certificate through 127.0.0.1
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(PemKeyStore.load(tls));
    ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http);
    // the server picks the first of its own protocols that the client offers (RFC 7301), so h2
    // comes first; without a list Jetty took the connector's, and no client ever got HTTP/2. The
    // names are ALPN's, compared exactly: HTTP/1.1's factory calls itself "HTTP/1.1", which no
    // client offers, and a client that offers http/1.1 alone would fail the handshake
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
    alpn.setDefaultProtocol("http/1.1");
    SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, alpn.getProtocol());
    List<ConnectionFactory> factories = new ArrayList<>();
    factories.add(new DetectorConnectionFactory(tlsFactory));
    factories.add(http11);
    factories.add(tlsFactory);
    factories.add(alpn);
    factories.add(http2);
    return factories.toArray(ConnectionFactory[]::new);
  }

  private static BindException bindFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException bind) {
        return bind;
      }
    }
    return null;
  }

  private static String refusal(String host, int port, BindException e) {
    String reason = e.getMessage() == null ? "address unavailable" : e.getMessage();
    if (reason.toLowerCase(java.util.Locale.ROOT).contains("in use")) {
      return "Cannot listen on "
          + host
          + ":"
          + port
          + ": the port is in use (by another Stepflow server or another program). Stop it or"
          + " choose another --port (0 picks a free one).";
    }
    return "Cannot listen on "
        + host
        + ":"
        + port
        + ": "
        + reason
        + ". Choose a --host of this machine and a --port this user may use (0 picks a free"
        + " one).";
  }

  /**
   * Answers {@code path} and below with the Jersey application {@code app}, which reads request
   * bodies of at most {@code maxBodyBytes}: a larger declared length is refused before the body is
   * sent.
   */
  public void mountApi(String path, ResourceConfig app, long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
    JettyHttpContainer api = ContainerFactory.createContainer(JettyHttpContainer.class, app);
    ContextHandler context = new ContextHandler(new PathInContext(new ClientGone(api)), path);
    // "/client/v4" itself is answered by the API (its 404), not redirected to "/client/v4/"
    context.setAllowNullPathInContext(true);
    addApiSide(context);
  }

  /** Answers {@code GET /healthz}; every other path outside the API is the v4 404. */
  public void mountHealth(String path) {
    ContextHandler context = new ContextHandler(FallbackHandlers.health(), path);
    context.setAllowNullPathInContext(true);
    addApiSide(context);
  }

  /**
   * Answers {@code GET /readyz} (at {@code path}) with what {@code readiness} reports: 200 while
   * the server can take work, else 503 (no token).
   */
  public void mountReadiness(String path, Readiness readiness) {
    ContextHandler context = new ContextHandler(FallbackHandlers.ready(readiness), path);
    context.setAllowNullPathInContext(true);
    addApiSide(context);
  }

  /**
   * Answers {@code GET /metrics} (at {@code path}, on the metrics port when one is bound) with what
   * {@code scrape} returns, the Prometheus text format, to requests whose {@code Authorization}
   * header {@code authorized} accepts; others get 401.
   */
  public void mountMetrics(String path, Supplier<String> scrape, Predicate<String> authorized) {
    ContextHandler context = new ContextHandler(FallbackHandlers.metrics(scrape, authorized), path);
    context.setAllowNullPathInContext(true);
    if (metricsConnector == null) {
      addApiSide(context);
    } else {
      context.setVirtualHosts(List.of("@" + METRICS_CONNECTOR));
      routes.addHandler(context);
    }
  }

  /** A context of the API's port (only there once a metrics port is bound). */
  private void addApiSide(ContextHandler context) {
    apiSide.add(context);
    routes.addHandler(context);
  }

  /**
   * Adds the listener {@code listenerOf} makes for each connector (the API's port, and the metrics
   * port when bound): it hears every connection opened and closed there. Before {@link #serve}.
   */
  public void watchConnections(
      java.util.function.Function<
              org.eclipse.jetty.server.Connector, org.eclipse.jetty.io.Connection.Listener>
          listenerOf) {
    connector.addBean(listenerOf.apply(connector));
    if (metricsConnector != null) {
      metricsConnector.addBean(listenerOf.apply(metricsConnector));
    }
  }

  /**
   * Answers {@code path} and below with the dashboard's files ({@link DashboardFiles}); {@code
   * path} itself is redirected to {@code path/}, so the page's relative links resolve.
   */
  public void mountDashboard(String path) {
    ContextHandler context =
        new ContextHandler(new DashboardFiles(HttpFront.class.getClassLoader()), path);
    addApiSide(context);
  }

  /** Starts answering. */
  public synchronized void serve() {
    if (metricsConnector != null) {
      apiSide.forEach(c -> c.setVirtualHosts(List.of("@" + API_CONNECTOR)));
    }
    boolean refusePlain = tls != null && tls.plainHttp() == Tls.PlainHttp.REFUSE;
    Handler guard =
        new RequestGuard(
            limits.maxHeaderBytes(), limits.maxHeaderCount(), maxBodyBytes, refusePlain, routes);
    // on stop, requests in progress finish (up to STOP_GRACE) while new ones are refused
    server.setHandler(
        new GracefulHandler(new RequestIds(new BodyWatch(limits.bodyTimeout(), guard))));
    server.setStopTimeout(STOP_GRACE.toMillis());
    server.setDefaultHandler(FallbackHandlers.noRoute());
    try {
      server.start();
    } catch (Exception e) {
      throw new CannotServe("Cannot start serving: " + e.getMessage(), e);
    }
    serving = true;
  }

  public InetSocketAddress address() {
    String host = connector.getHost();
    return new InetSocketAddress(host, connector.getLocalPort());
  }

  /** The metrics port's address, when one is bound. */
  public java.util.Optional<InetSocketAddress> metricsAddress() {
    return java.util.Optional.ofNullable(metricsConnector)
        .map(m -> new InetSocketAddress(m.getHost(), m.getLocalPort()));
  }

  /** {@code https} with TLS, else {@code http}. */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  /**
   * Stops answering and releases the port: new connections are refused at once, requests in
   * progress get up to {@link #STOP_GRACE} to be answered, then open exchanges are cut.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (serving) {
        server.stop();
      } else {
        connector.close();
        if (metricsConnector != null) {
          metricsConnector.close();
        }
      }
    } catch (java.util.concurrent.TimeoutException e) {
      // the grace ran out with requests still in progress; Jetty has cut them and stopped
      log.info("Requests still in progress after {} s were cut", STOP_GRACE.toSeconds());
    } catch (Exception e) {
      throw new IllegalStateException("Stopping the HTTP server failed: " + e.getMessage(), e);
    }
  }
}
