package dev.stepflow.app;

import dev.stepflow.engine.runtime.Engine;
import dev.stepflow.engine.runtime.EngineMetrics;
import dev.stepflow.store.NodeStore;
import dev.stepflow.store.WorkflowStore;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.web.HttpFront;
import dev.stepflow.web.Readiness;
import java.time.Clock;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * What the server measures for {@code GET /metrics}, given the parts to watch as the start opens
 * them: {@link ServerMetrics} with {@code --metrics on} (the default), or {@link #OFF}, which
 * measures nothing and serves no {@code /metrics}, so a run with metrics off pays for none of it.
 */
interface Monitoring extends AutoCloseable {
  /** Measures nothing; {@code /metrics} answers the v4 404. */
  Monitoring OFF = new Monitoring() {};

  static Monitoring of(Config.Metrics settings) {
    return settings.enabled() ? new ServerMetrics(settings) : OFF;
  }

  /** Where the engine and the control service report what they count. */
  default EngineMetrics engine() {
    return EngineMetrics.NONE;
  }

  default void watchStore(Database database) {}

  default void watchEngine(Engine engine, NodeStore nodes, Clock clock) {}

  default void watchCounts(WorkflowStore store) {}

  default void watchReadiness(Readiness readiness) {}

  /** Times the API's requests. */
  default ResourceConfig timeRequests(ResourceConfig api) {
    return api;
  }

  /** Serves {@code /metrics} on the front (its own port when one is configured). */
  default void mount(HttpFront front) {}

  @Override
  default void close() {}
}
