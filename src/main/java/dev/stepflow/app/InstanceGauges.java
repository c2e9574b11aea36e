package dev.stepflow.app;

import dev.stepflow.domain.Status;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.store.WorkflowStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stepflow_instances{workflow, status}}: the store's kept counts (never a scan of the
 * instances), summed over accounts, for the first {@link #MAX_WORKFLOWS} workflow names in name
 * order, every status of each (0 included), so the series grow with workflows, not instances. Read
 * again on a scrape at most every {@link #FRESH_FOR}; a store that does not answer keeps the last.
 */
final class InstanceGauges {
  private static final Logger log = LoggerFactory.getLogger(InstanceGauges.class);

  /** The most workflow names exported (9 series each). */
  static final int MAX_WORKFLOWS = 1_000;

  static final Duration FRESH_FOR = Duration.ofSeconds(5);

  private final WorkflowStore store;
  private final MultiGauge gauge;
  private long readAt;
  private boolean read;

  InstanceGauges(WorkflowStore store, MeterRegistry registry) {
    this.store = store;
    this.gauge =
        MultiGauge.builder("stepflow.instances")
            .description("Instances by workflow name and status (kept counts)")
            .register(registry);
  }

  /** Reads the counts again if the last read is older than {@link #FRESH_FOR}. */
  synchronized void refreshIfStale() {
    long now = System.nanoTime();
    if (read && now - readAt < FRESH_FOR.toNanos()) {
      return;
    }
    try {
      gauge.register(rows(store.keptCountsByWorkflowName(MAX_WORKFLOWS)), true);
    } catch (StoreUnavailable e) {
      log.debug("Instance counts not read for /metrics: {}", e.getMessage());
    }
    read = true;
    readAt = now;
  }

  private static List<MultiGauge.Row<?>> rows(Map<String, Map<Status, Long>> counts) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    counts.forEach(
        (workflow, byStatus) -> {
          for (Status status : Status.values()) {
            Tags tags = Tags.of("workflow", workflow, "status", WireNames.status(status));
            rows.add(MultiGauge.Row.of(tags, byStatus.getOrDefault(status, 0L)));
          }
        });
    return rows;
  }
}
