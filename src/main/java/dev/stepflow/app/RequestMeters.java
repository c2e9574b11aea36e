package dev.stepflow.app;

import dev.stepflow.http.RouteTimings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code stepflow_http_server_requests_seconds{method, route, status}}: the API's requests by
 * method, route template and status. The labels are bounded (a few methods, the spec's routes, the
 * statuses the API answers), and each timer is registered once and kept, so timing a request costs
 * a map lookup.
 */
final class RequestMeters implements RouteTimings.Recorder {
  private record Key(String method, String route, int status) {}

  private final MeterRegistry registry;
  private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

  RequestMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void request(String method, String route, int status, long nanos) {
    timers
        .computeIfAbsent(new Key(method, route, status), this::timer)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(Key key) {
    return Timer.builder("stepflow.http.server.requests")
        .description("API requests by method, route template and status")
        .tag("method", key.method())
        .tag("route", key.route())
        .tag("status", Integer.toString(key.status()))
        .register(registry);
  }
}
