package dev.stepflow.store.jdbc;

import dev.stepflow.store.StoreUnavailable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer: one thread owns one connection, takes whatever writes are queued (up to {@link
 * #MAX_BATCH}), runs each inside its own savepoint and commits them together. Callers wait until
 * the commit returned, so an acknowledged write is in the database file (kill -9 safe; power-loss
 * safe when the database syncs on commit). A write that throws is rolled back to its savepoint
 * without touching the others in its batch.
 */
public final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  static final int MAX_BATCH = 256;

  private final Connection connection;
  private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile CommitObserver commits = CommitObserver.NONE;

  private record Task<T>(SqlWork<T> work, CompletableFuture<T> done) {}

  private static final Task<Void> STOP = new Task<>(c -> null, new CompletableFuture<>());

  public GroupCommitWriter(Connection connection, String name) throws SQLException {
    this.connection = connection;
    connection.setAutoCommit(false);
    this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
  }

  /** Reports every batch's commit to {@code observer} from now on. */
  public void observeCommits(CommitObserver observer) {
    commits = observer;
  }

  public <T> T write(SqlWork<T> work) {
    if (closed) {
      throw new StoreUnavailable("accept the write (the store is shutting down)", null);
    }
    Task<T> task = new Task<>(work, new CompletableFuture<>());
    queue.add(task);
    return await(task.done());
  }

  private static <T> T await(CompletableFuture<T> done) {
    try {
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailable("confirm the write (the caller was interrupted)", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new StoreUnavailable("complete the write", e.getCause());
    }
  }

  private void loop() {
    List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      try {
        batch.add(queue.take());
        queue.drainTo(batch, MAX_BATCH - 1);
      } catch (InterruptedException e) {
        return;
      }
      boolean stop = batch.remove(STOP);
      runBatch(batch);
      batch.clear();
      if (stop) {
        failLateWrites();
        return;
      }
    }
  }

  /** Writes queued after close() began are refused rather than left waiting forever. */
  private void failLateWrites() {
    List<Task<?>> late = new ArrayList<>();
    queue.drainTo(late);
    late.forEach(t -> t.done().completeExceptionally(new StoreUnavailable("write (closed)", null)));
  }

  private void runBatch(List<Task<?>> batch) {
    List<Runnable> completions = new ArrayList<>(batch.size());
    for (Task<?> task : batch) {
      completions.add(runOne(task));
    }
    try {
      long started = System.nanoTime();
      connection.commit();
      commits.committed(batch.size(), System.nanoTime() - started);
    } catch (SQLException e) {
      log.error("Commit of a batch of {} writes failed", batch.size(), e);
      rollbackQuietly();
      batch.forEach(t -> t.done().completeExceptionally(new StoreUnavailable("commit", e)));
      return;
    }
    completions.forEach(Runnable::run);
  }

  /** Runs one task in a savepoint; returns how to complete its future once the batch committed. */
  private <T> Runnable runOne(Task<T> task) {
    Savepoint savepoint = null;
    try {
      savepoint = connection.setSavepoint();
      T result = task.work().run(connection);
      connection.releaseSavepoint(savepoint);
      return () -> task.done().complete(result);
    } catch (Exception e) {
      rollbackTo(savepoint);
      RuntimeException failure =
          e instanceof RuntimeException runtime ? runtime : new StoreUnavailable("write", e);
      if (!(e instanceof RuntimeException)) {
        log.error("A write failed", e);
      }
      return () -> task.done().completeExceptionally(failure);
    }
  }

  private void rollbackTo(Savepoint savepoint) {
    if (savepoint == null) {
      return;
    }
    try {
      connection.rollback(savepoint);
      connection.releaseSavepoint(savepoint);
    } catch (SQLException e) {
      log.error("Rollback to a savepoint failed", e);
    }
  }

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.error("Rollback failed", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    queue.add(STOP);
    try {
      thread.join(10_000);
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      log.warn("Closing the writer connection failed", e);
    }
  }
}
