package dev.stepflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stepflow.store.StoreUnavailable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single writer on a real SQLite file: writes queued together commit together, a write with
 * nothing to batch with runs on its caller's thread, and a write that fails leaves nothing behind,
 * whether it was alone in its transaction or shared it with others.
 */
class GroupCommitWriterIT {
  @TempDir Path dir;
  private String url;

  @BeforeEach
  void schema() throws SQLException {
    url = "jdbc:sqlite:" + dir.resolve("w.db");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE row (name TEXT PRIMARY KEY)");
    }
  }

  private GroupCommitWriter writer() throws SQLException {
    return new GroupCommitWriter(StatementCache.wrap(DriverManager.getConnection(url), 8), "w");
  }

  @Test
  void aFailedWriteInABatchIsUndoneAndTheOthersCommit() throws Exception {
    try (GroupCommitWriter writer = writer()) {
      CountDownLatch release = new CountDownLatch(1);
      // holds the writer so that the writes below queue up and run as one batch
      CompletableFuture<Thread> first = holdingTheConnection(writer, "first", release);
      List<CompletableFuture<Void>> queued = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String name = "w" + i;
        boolean fails = i == 4;
        queued.add(
            onVirtualThread(
                writer,
                c -> {
                  insert(c, name);
                  if (fails) {
                    insert(c, name + "-also");
                    throw new IllegalStateException("refused " + name);
                  }
                  return null;
                }));
      }
      awaitQueued(writer, 10);
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (int i = 0; i < queued.size(); i++) {
        CompletableFuture<Void> write = queued.get(i);
        if (i == 4) {
          assertThatThrownBy(() -> write.get(10, TimeUnit.SECONDS))
              .hasRootCauseMessage("refused w4");
        } else {
          write.get(10, TimeUnit.SECONDS);
        }
      }
    }
    assertThat(rows())
        .containsExactlyInAnyOrder("first", "w0", "w1", "w2", "w3", "w5", "w6", "w7", "w8", "w9");
  }

  @Test
  void anErrorThrownByAWriteFailsThatWriteOnlyAndTheWriterGoesOn() throws Exception {
    try (GroupCommitWriter writer = writer()) {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Thread> first = holdingTheConnection(writer, "first", release);
      List<CompletableFuture<Void>> queued = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String name = "e" + i;
        boolean fails = i == 1;
        queued.add(
            onVirtualThread(
                writer,
                c -> {
                  insert(c, name);
                  if (fails) {
                    throw new StackOverflowError("deep " + name);
                  }
                  return null;
                }));
        awaitQueued(writer, i + 1);
      }
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (int i = 0; i < queued.size(); i++) {
        CompletableFuture<Void> write = queued.get(i);
        if (i == 1) {
          assertThatThrownBy(() -> write.get(10, TimeUnit.SECONDS))
              .hasCauseInstanceOf(StackOverflowError.class)
              .hasRootCauseMessage("deep e1");
        } else {
          write.get(10, TimeUnit.SECONDS);
        }
      }
      // the four ran as one batch on the writer thread, which is still there for the next
      CountDownLatch hold = new CountDownLatch(1);
      CompletableFuture<Thread> holder = holdingTheConnection(writer, "after", hold);
      CompletableFuture<Void> next =
          onVirtualThread(
              writer,
              c -> {
                insert(c, "next");
                return null;
              });
      awaitQueued(writer, 1);
      hold.countDown();
      holder.get(10, TimeUnit.SECONDS);
      next.get(10, TimeUnit.SECONDS);
    }
    assertThat(rows()).containsExactlyInAnyOrder("first", "e0", "e2", "e3", "after", "next");
  }

  @Test
  void aBatchRunsEachWriteOnceUnlessOneFailsThenOnceMoreEachInItsSavepoint() throws Exception {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (GroupCommitWriter writer = writer()) {
      for (boolean withAFailure : new boolean[] {false, true}) {
        String prefix = withAFailure ? "f" : "ok";
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Thread> first = holdingTheConnection(writer, prefix, release);
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          String name = prefix + i;
          boolean fails = withAFailure && i == 3;
          queued.add(
              onVirtualThread(
                  writer,
                  c -> {
                    runs.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                    insert(c, name);
                    if (fails) {
                      throw new IllegalStateException("refused " + name);
                    }
                    return null;
                  }));
          awaitQueued(writer, i + 1); // queued in this order, so the batch runs them in it
        }
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < queued.size(); i++) {
          CompletableFuture<Void> write = queued.get(i);
          if (withAFailure && i == 3) {
            assertThatThrownBy(() -> write.get(10, TimeUnit.SECONDS))
                .hasRootCauseMessage("refused f3");
          } else {
            write.get(10, TimeUnit.SECONDS);
          }
        }
      }
    }
    assertThat(runs)
        .allSatisfy(
            (name, count) ->
                assertThat(count.get())
                    .as(name)
                    .isEqualTo(name.startsWith("ok") || name.compareTo("f3") > 0 ? 1 : 2));
    // f0..f3 ran in the first pass, which f3 ended; f4 and f5 ran only in the second
    assertThat(rows())
        .containsExactlyInAnyOrder(
            "ok", "ok0", "ok1", "ok2", "ok3", "ok4", "ok5", "f", "f0", "f1", "f2", "f4", "f5");
  }

  @Test
  void aFailedWriteAloneLeavesNothingAndTheNextOneCommits() throws Exception {
    try (GroupCommitWriter writer = writer()) {
      assertThatThrownBy(
              () ->
                  writer.write(
                      c -> {
                        insert(c, "lost");
                        throw new IllegalStateException("refused");
                      }))
          .hasMessage("refused");
      writer.write(
          c -> {
            insert(c, "kept");
            return null;
          });
      // a write that breaks a constraint fails in SQLite itself, alone in its transaction
      assertThatThrownBy(
              () ->
                  writer.write(
                      c -> {
                        insert(c, "twice");
                        insert(c, "twice");
                        return null;
                      }))
          .isInstanceOf(StoreUnavailable.class);
    }
    assertThat(rows()).containsExactly("kept");
  }

  @Test
  void aLoneWriteRunsOnItsCallersThreadAndWritesThatQueueMeanwhileShareTheNextBatch()
      throws Exception {
    try (GroupCommitWriter writer = writer()) {
      Thread caller = Thread.currentThread();
      Thread ranOn = writer.write(c -> Thread.currentThread());
      assertThat(ranOn).isSameAs(caller);

      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Thread> alone = holdingTheConnection(writer, "alone", release);
      List<CompletableFuture<Thread>> queued = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String name = "q" + i;
        queued.add(
            onVirtualThread(
                writer,
                c -> {
                  insert(c, name);
                  return Thread.currentThread();
                }));
      }
      // while the lone write holds the connection, the others wait for the writer thread
      awaitQueued(writer, 5);
      // nothing is committed until the lone write returns
      assertThat(rows()).isEmpty();
      release.countDown();
      assertThat(alone.get(10, TimeUnit.SECONDS).isVirtual()).isTrue();
      List<Thread> writers = new ArrayList<>();
      for (CompletableFuture<Thread> write : queued) {
        writers.add(write.get(10, TimeUnit.SECONDS));
      }
      assertThat(writers).allSatisfy(t -> assertThat(t.getName()).isEqualTo("w"));
    }
    assertThat(rows()).containsExactlyInAnyOrder("alone", "q0", "q1", "q2", "q3", "q4");
  }

  /** {@code work} written from a new virtual thread; its result, or what it threw. */
  private static <T> CompletableFuture<T> onVirtualThread(
      GroupCommitWriter writer, SqlWork<T> work) {
    return CompletableFuture.supplyAsync(
        () -> writer.write(work), runnable -> Thread.ofVirtual().start(runnable));
  }

  /**
   * A write of the row {@code name} that holds the connection until {@code release}: returns once
   * it holds it, with the thread the write ran on to come.
   */
  private static CompletableFuture<Thread> holdingTheConnection(
      GroupCommitWriter writer, String name, CountDownLatch release) throws InterruptedException {
    CountDownLatch holding = new CountDownLatch(1);
    CompletableFuture<Thread> write =
        onVirtualThread(
            writer,
            c -> {
              insert(c, name);
              holding.countDown();
              awaitQuietly(release);
              return Thread.currentThread();
            });
    holding.await();
    return write;
  }

  private static void awaitQueued(GroupCommitWriter writer, int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> writer.queuedWrites() == count);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void insert(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO row (name) VALUES (?)")) {
      ps.setString(1, name);
      ps.executeUpdate();
    }
  }

  private List<String> rows() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url);
        ResultSet rs = c.createStatement().executeQuery("SELECT name FROM row")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
