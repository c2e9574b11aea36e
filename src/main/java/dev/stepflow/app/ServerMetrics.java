package dev.stepflow.app;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.stepflow.engine.runtime.Engine;
import dev.stepflow.engine.runtime.EngineMetrics;
import dev.stepflow.http.RouteTimings;
import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.store.WorkflowStore;
import dev.stepflow.store.jdbc.Database;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * The server's meter registry, served as {@code GET /metrics} in the Prometheus text format: the
 * JVM's binders, the connection pools (HikariCP's own meters), the engine's runs and slots, the
 * kept instance counts ({@link InstanceGauges}), what the engine counts ({@link MeteredEngine}) and
 * the API's requests by route template ({@link RouteTimings}).
 */
final class ServerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final EngineMetrics engine = new MeteredEngine(registry);
  private InstanceGauges instances;

  ServerMetrics() {
    // the two meters of the binders that promtool's lint refuses: a name with an abbreviated unit
    // (process_cpu_time_ns_total; process_cpu_usage stays) and a gauge named like a histogram's
    // count (system_cpu_count, served as system_cpus)
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
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
  }

  EngineMetrics engine() {
    return engine;
  }

  void watchPools(Database database) {
    database.trackPools(new MicrometerMetricsTrackerFactory(registry));
  }

  void watchRuns(Engine runs) {
    Gauge.builder("stepflow.runs.active", runs, Engine::runsActive)
        .description("Runs working on instances in this process")
        .register(registry);
    Gauge.builder("stepflow.run.slots.free", runs, Engine::runSlotsFree)
        .description("Runs this process may start now (of --max-running)")
        .register(registry);
    Gauge.builder("stepflow.queue.oldest.age", runs, ServerMetrics::oldestQueuedSeconds)
        .description("How long the instance queued longest has waited to start (0: none queued)")
        .baseUnit("seconds")
        .register(registry);
  }

  /** One indexed query per scrape; NaN (no sample) while the store does not answer. */
  private static double oldestQueuedSeconds(Engine runs) {
    try {
      return runs.oldestQueuedAge().toMillis() / 1000.0;
    } catch (StoreUnavailable e) {
      return Double.NaN;
    }
  }

  void watchCounts(WorkflowStore store) {
    instances = new InstanceGauges(store, registry);
  }

  RouteTimings.Recorder http() {
    return (method, route, status, nanos) ->
        Timer.builder("stepflow.http.server.requests")
            .description("API requests by method, route template and status")
            .tag("method", method)
            .tag("route", route)
            .tag("status", Integer.toString(status))
            .register(registry)
            .record(nanos, TimeUnit.NANOSECONDS);
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
