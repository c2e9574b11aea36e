package dev.stepflow.app;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.stepflow.engine.runtime.Engine;
import dev.stepflow.engine.runtime.EngineMetrics;
import dev.stepflow.http.RouteTimings;
import dev.stepflow.store.NodeStore;
import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.store.WorkflowStore;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.web.HttpFront;
import dev.stepflow.web.Readiness;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.function.Supplier;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The server's meter registry, served as {@code GET /metrics} in the Prometheus text format: the
 * JVM's binders, the connection pools (HikariCP's own meters), the store's commits ({@link
 * StoreMeters}), the engine's runs, slots, queue and nodes, the kept instance counts ({@link
 * InstanceGauges}), what the engine counts ({@link MeteredEngine}), readiness, the API's requests
 * by route template ({@link RequestMeters}) and the HTTP front's connections (Micrometer's Jetty
 * binder, by connector: {@code api}, {@code metrics}).
 */
final class ServerMetrics implements Monitoring {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final EngineMetrics engine;
  private final MetricsToken token;
  private InstanceGauges instances;

  ServerMetrics(Config.Metrics settings) {
    this.token = MetricsToken.read(settings.tokenFile());
    // the two meters of the binders that promtool's lint refuses: a name with an abbreviated unit
    // (process_cpu_time_ns_total; process_cpu_usage stays) and a gauge named like a histogram's
    // count (system_cpu_count, served as system_cpus)
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    // Jetty counts bytes only on connectors that report network traffic, which these are not: the
    // meters would stay 0
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("jetty.connections.bytes"));
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    // after the filters: a meter registered before them would escape them
    engine = new MeteredEngine(registry);
  }

  @Override
  public EngineMetrics engine() {
    return engine;
  }

  @Override
  public void watchStore(Database database) {
    database.trackPools(new MicrometerMetricsTrackerFactory(registry));
    database.observeCommits(new StoreMeters(registry));
  }

  @Override
  public void watchEngine(Engine runs, NodeStore nodes, Clock clock) {
    Gauge.builder("stepflow.runs.active", runs, Engine::runsActive)
        .description("Runs working on instances in this process")
        .register(registry);
    Gauge.builder("stepflow.run.slots.free", runs, Engine::runSlotsFree)
        .description("Runs this process may start now (of --max-running)")
        .register(registry);
    Gauge.builder(
            "stepflow.queue.oldest.age",
            runs,
            r -> fromStore(() -> r.oldestQueuedAge().toMillis() / 1000.0))
        .description("How long the instance queued longest has waited to start (0: none queued)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("stepflow.nodes", nodes, n -> fromStore(() -> n.liveNodes(clock.instant())))
        .description("Nodes sharing the store whose heartbeat is alive (this one included)")
        .register(registry);
  }

  /** One indexed query per scrape; NaN (no sample) while the store does not answer. */
  private static double fromStore(Supplier<Number> query) {
    try {
      return query.get().doubleValue();
    } catch (StoreUnavailable e) {
      return Double.NaN;
    }
  }

  @Override
  public void watchCounts(WorkflowStore store) {
    instances = new InstanceGauges(store, registry);
  }

  @Override
  public void watchReadiness(Readiness readiness) {
    Gauge.builder("stepflow.ready", readiness, r -> r.check().ready() ? 1 : 0)
        .description("1 while /readyz answers 200 (the store answers, the dispatcher runs), else 0")
        .register(registry);
  }

  @Override
  public ResourceConfig timeRequests(ResourceConfig api) {
    return api.register(new RouteTimings(new RequestMeters(registry)));
  }

  @Override
  public void mount(HttpFront front) {
    front.mountMetrics("/metrics", this::scrape, token::accepts);
    front.watchConnections(connector -> new JettyConnectionMetrics(registry, connector));
  }

  /** The Prometheus text format, with the instance counts read again when stale. */
  String scrape() {
    if (instances != null) {
      instances.refreshIfStale();
    }
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
