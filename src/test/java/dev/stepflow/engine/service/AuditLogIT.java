package dev.stepflow.engine.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.AuditEntry;
import dev.stepflow.domain.AuditQuery;
import dev.stepflow.store.jdbc.JdbcAuditStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log on a real SQLite file under concurrent callers: every entry a call recorded is read
 * back by that caller, and none is lost when the log closes while calls are still recording.
 */
class AuditLogIT {
  private static final int THREADS = 32;

  @TempDir Path data;

  @Test
  void concurrentCallersReadBackEveryEntryTheyRecorded() throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH);
        AuditLog audit =
            new AuditLog(new JdbcAuditStore(db), Clock.systemUTC(), Duration.ofDays(1))) {
      int perThread = 300;
      Callers.start(
              t -> {
                for (int i = 0; i < perThread; i++) {
                  audit.record(entry("t" + t + "-" + i));
                }
              })
          .awaitAll();

      assertThat(audit.list(query(1)).totalCount()).isEqualTo(THREADS * perThread);
    }
  }

  @Test
  void anEntryRecordedWhileTheLogClosesIsWritten() throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      JdbcAuditStore store = new JdbcAuditStore(db);
      AuditLog audit = new AuditLog(store, Clock.systemUTC(), Duration.ofDays(1));
      AtomicInteger recorded = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(THREADS);
      Callers callers =
          Callers.start(
              t -> {
                started.countDown();
                for (int i = 0; i < 2_000 && !stop.get(); i++) {
                  audit.record(entry("c" + t + "-" + i));
                  recorded.incrementAndGet();
                }
              });
      started.await();
      Thread.sleep(50);
      audit.close();
      stop.set(true);
      callers.awaitAll();

      assertThat(recorded.get()).isPositive();
      assertThat(store.list(query(1)).totalCount()).isEqualTo(recorded.get());
    }
  }

  private interface Caller {
    void run(int thread) throws Exception;
  }

  /** {@link #THREADS} virtual threads running one {@link Caller} each; none may fail. */
  private record Callers(List<Thread> threads, List<Throwable> failures) {
    static Callers start(Caller caller) {
      Callers callers = new Callers(new ArrayList<>(), new CopyOnWriteArrayList<>());
      for (int t = 0; t < THREADS; t++) {
        int id = t;
        callers.threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        caller.run(id);
                      } catch (Throwable e) {
                        callers.failures.add(e);
                      }
                    }));
      }
      return callers;
    }

    void awaitAll() throws InterruptedException {
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(failures).isEmpty();
    }
  }

  private static AuditEntry entry(String requestId) {
    return new AuditEntry(
        0,
        "acc",
        null,
        "token:t1",
        "ops",
        "instance.pause",
        "PATCH",
        "wf",
        "i-" + requestId,
        200,
        null,
        requestId);
  }

  private static AuditQuery query(int size) {
    return new AuditQuery(
        "acc",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        size);
  }
}
