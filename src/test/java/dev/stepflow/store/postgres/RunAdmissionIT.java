package dev.stepflow.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.store.jdbc.RunAdmission;
import dev.stepflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs hold at most their share of a real PostgreSQL pool, so that a request that does not go
 * through the admission finds a connection at once while hundreds of runs want one.
 */
class RunAdmissionIT {
  private static final int POOL_SIZE = 8;

  private PostgresDatabase database;
  private RunAdmission runs;

  @BeforeEach
  void open() {
    database =
        PostgresDatabase.open(
            TestPostgres.shared().createDatabase(), TestPostgres.USER, null, POOL_SIZE);
    runs = RunAdmission.of(database, POOL_SIZE);
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void runsLeaveAQuarterOfThePoolToEverythingElse() {
    assertThat(RunAdmission.of(database, 16).permits()).isEqualTo(12);
    assertThat(RunAdmission.of(database, 2).permits()).isEqualTo(1);
    assertThat(RunAdmission.of(database, 1).permits()).isEqualTo(1);
    assertThat(runs.permits()).isEqualTo(6);
  }

  @Test
  void manyRunsHoldAtMostTheirShareAndARequestStillGetsAConnectionAtOnce() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Integer>> writes = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        writes.add(
            threads.submit(
                () ->
                    runs.write(
                        c -> {
                          most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                          int one = selectAfterSleep(c, 0.02);
                          inside.decrementAndGet();
                          return one;
                        })));
      }
      // while 300 runs queue for six connections, a request outside the admission is not queued
      Thread.sleep(100);
      long started = System.nanoTime();
      int answer = database.read(c -> selectAfterSleep(c, 0));
      Duration waited = Duration.ofNanos(System.nanoTime() - started);
      assertThat(answer).isEqualTo(1);
      for (Future<Integer> write : writes) {
        assertThat(write.get(60, TimeUnit.SECONDS)).isEqualTo(1);
      }
      assertThat(waited).isLessThan(Duration.ofMillis(500));
    }
    assertThat(most.get()).isEqualTo(6);
  }

  @Test
  void aRunThatReadsInsideItsWriteTakesNoSecondPermit() throws Exception {
    RunAdmission single = RunAdmission.of(database, 1);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Integer> nested =
          threads.submit(() -> single.write(c -> single.read(inner -> selectAfterSleep(inner, 0))));
      assertThat(nested.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(single.permits()).isEqualTo(1);
  }

  private static int selectAfterSleep(Connection c, double seconds) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1 FROM pg_sleep(" + seconds + ")")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
