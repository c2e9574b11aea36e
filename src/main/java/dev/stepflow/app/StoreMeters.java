package dev.stepflow.app;

import dev.stepflow.store.jdbc.CommitObserver;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The store's commits: {@code stepflow_store_commit_seconds} (how long each commit took, where the
 * store waits for its disk or its server) and {@code stepflow_store_commit_writes} (how many writes
 * each commit carried: the SQLite writer commits up to 256 together, a PostgreSQL transaction one).
 */
final class StoreMeters implements CommitObserver {
  private static final Duration[] COMMIT_BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofSeconds(1)
  };

  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

  private final Timer latency;
  private final DistributionSummary writes;

  StoreMeters(MeterRegistry registry) {
    latency =
        Timer.builder("stepflow.store.commit")
            .description("How long the store's commits of write transactions took")
            .serviceLevelObjectives(COMMIT_BUCKETS)
            .register(registry);
    writes =
        DistributionSummary.builder("stepflow.store.commit.writes")
            .description("Writes committed together per commit")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
  }

  @Override
  public void committed(int writeCount, long nanos) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
    writes.record(writeCount);
  }
}
