package dev.stepflow.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers' pool is full when the database opens and stays so: a read never waits inside
 * HikariCP for a connection to be made, which is where virtual threads on a small machine could
 * spin in its hand-off loop (SqliteDatabase.read).
 */
class ReaderPoolTest {
  private static final int READERS = 4;
  private static final int CALLERS = 64;
  private static final int READS_EACH = 50;

  @TempDir Path dir;

  /** Keeps the pool's statistics and counts the connections it makes once it is tracked. */
  private static final class Tracking implements MetricsTrackerFactory {
    final AtomicReference<PoolStats> stats = new AtomicReference<>();
    final AtomicInteger made = new AtomicInteger();

    @Override
    public IMetricsTracker create(String poolName, PoolStats poolStats) {
      stats.set(poolStats);
      return new IMetricsTracker() {
        @Override
        public void recordConnectionCreatedMillis(long connectionCreatedMillis) {
          made.incrementAndGet();
        }
      };
    }
  }

  @Test
  void allReadersAreOpenAtStartAndManyCallersNeverMakeAnother() throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.PROCESS_CRASH)) {
      Tracking tracking = new Tracking();
      db.trackPools(tracking);
      assertThat(tracking.stats.get().getTotalConnections()).isEqualTo(READERS);
      assertThat(tracking.stats.get().getIdleConnections()).isEqualTo(READERS);

      AtomicInteger answered = new AtomicInteger();
      List<Future<?>> callers = new ArrayList<>();
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < CALLERS; i++) {
          callers.add(
              threads.submit(
                  () -> {
                    for (int r = 0; r < READS_EACH; r++) {
                      int one =
                          db.read(
                              c -> {
                                try (Statement st = c.createStatement();
                                    ResultSet rs = st.executeQuery("SELECT 1")) {
                                  rs.next();
                                  return rs.getInt(1);
                                }
                              });
                      answered.addAndGet(one);
                    }
                    return null;
                  }));
        }
        for (Future<?> caller : callers) {
          caller.get(60, TimeUnit.SECONDS);
        }
      }
      assertThat(answered).hasValue(CALLERS * READS_EACH);
      assertThat(tracking.made).as("connections made after open").hasValue(0);
    }
  }
}
