package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.execute;

import dev.stepflow.store.StoreUnavailable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer: one connection, on which a writer thread takes whatever writes are queued (up
 * to {@link #MAX_BATCH}), runs them and commits them together. Callers wait until the commit
 * returned, so an acknowledged write is in the database file (kill -9 safe; power-loss safe when
 * the database syncs on commit). A write that throws is undone without touching the others in its
 * batch.
 *
 * <p>A write that finds no other queued and the connection free runs on its caller's thread
 * instead, as a batch of one: at low load that spares two thread hand-offs per write (about a
 * quarter of a pause request's time in the server). Whoever uses the connection holds {@code
 * connectionInUse}, so the writer thread's next batch takes the writes that queued meanwhile.
 *
 * <p>A batch first runs without savepoints; only when one of its writes throws is it rolled back
 * and run again with a savepoint per write. The savepoints are statements of one name, prepared
 * once on the connection (which keeps its statements), rather than the driver's {@code
 * setSavepoint}, which makes up a new name and compiles two statements for every write. A write
 * alone in its batch, as every write is at low load, needs none: the whole transaction is its own.
 */
public final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  static final int MAX_BATCH = 256;

  private final Connection connection;
  private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  /**
   * Held by whoever uses the connection: the writer thread for a batch, or a caller writing alone.
   */
  private final ReentrantLock connectionInUse = new ReentrantLock();

  private volatile boolean closed;
  private volatile boolean waitingForConnection;
  private volatile CommitObserver commits = CommitObserver.NONE;

  private record Task<T>(SqlWork<T> work, CompletableFuture<T> done) {}

  private static final Task<Void> STOP = new Task<>(c -> null, new CompletableFuture<>());

  private static final String SAVEPOINT = "SAVEPOINT write";
  private static final String RELEASE = "RELEASE write";
  private static final String ROLLBACK_TO = "ROLLBACK TO write";

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
    if (queue.isEmpty() && connectionInUse.tryLock()) {
      try {
        return writeAlone(task);
      } finally {
        connectionInUse.unlock();
      }
    }
    queue.add(task);
    return await(task.done());
  }

  /**
   * A write with nothing to batch with, by its caller: that spares the two thread hand-offs (to the
   * writer thread and back), which are most of a lone write's latency. Called holding the
   * connection.
   */
  private <T> T writeAlone(Task<T> task) {
    if (closed) {
      throw new StoreUnavailable("accept the write (the store is shutting down)", null);
    }
    try {
      runBatch(List.of(task));
    } catch (RuntimeException | Error e) {
      // should anything escape runBatch, it leaves nothing behind for the next commit
      rollbackQuietly();
      throw e;
    }
    return await(task.done());
  }

  /**
   * Writes waiting for the writer thread, with the one it took while it waits for the connection;
   * for tests that need several in one batch.
   */
  int queuedWrites() {
    return queue.size() + (waitingForConnection ? 1 : 0);
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
      if (e.getCause() instanceof Error error) {
        throw error; // as it would have been thrown to a caller writing alone
      }
      throw new StoreUnavailable("complete the write", e.getCause());
    }
  }

  private void loop() {
    List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      Task<?> head;
      try {
        head = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      // the writes that queue while a caller writing alone holds the connection join this batch
      waitingForConnection = true;
      connectionInUse.lock();
      try {
        waitingForConnection = false;
        batch.add(head);
        queue.drainTo(batch, MAX_BATCH - 1);
        boolean stop = batch.remove(STOP);
        runBatchOrFailIt(batch);
        batch.clear();
        if (stop) {
          failLateWrites();
          return;
        }
      } finally {
        connectionInUse.unlock();
      }
    }
  }

  /**
   * Every write waits on this one thread, so nothing may end it. No failure is expected to escape a
   * batch (each write's own are caught, and so are the commit observer's); should one, it fails the
   * batch's writes that are not done, and the thread goes on with the next.
   */
  private void runBatchOrFailIt(List<Task<?>> batch) {
    try {
      runBatch(batch);
    } catch (RuntimeException | Error e) {
      log.error("The writer failed a batch of {} writes", batch.size(), e);
      rollbackQuietly();
      batch.forEach(t -> t.done().completeExceptionally(e));
    }
  }

  /** Writes queued after close() began are refused rather than left waiting forever. */
  private void failLateWrites() {
    List<Task<?>> late = new ArrayList<>();
    queue.drainTo(late);
    late.forEach(t -> t.done().completeExceptionally(new StoreUnavailable("write (closed)", null)));
  }

  private void runBatch(List<Task<?>> batch) {
    List<Runnable> completions =
        batch.size() == 1 ? List.of(runAlone(batch.getFirst())) : runTogether(batch);
    try {
      long started = System.nanoTime();
      connection.commit();
      observeCommit(batch.size(), System.nanoTime() - started);
    } catch (SQLException e) {
      log.error("Commit of a batch of {} writes failed", batch.size(), e);
      rollbackQuietly();
      batch.forEach(t -> t.done().completeExceptionally(new StoreUnavailable("commit", e)));
      return;
    }
    completions.forEach(Runnable::run);
  }

  /** The observer (metrics) of a commit cannot make the committed batch's writes fail. */
  private void observeCommit(int writes, long nanos) {
    try {
      commits.committed(writes, nanos);
    } catch (RuntimeException e) {
      log.warn("Observing a commit of {} writes failed", writes, e);
    }
  }

  /**
   * Runs the batch's writes one after the other without savepoints: a savepoint journals the
   * original of every page its write is the first to change, which made the savepoints about a
   * quarter of the writer's work. Should a write throw, the transaction is rolled back and the
   * batch runs again with a savepoint per write, so that only the failed one is undone; the others
   * then run twice, as a {@link SqlWork} may.
   */
  private List<Runnable> runTogether(List<Task<?>> batch) {
    List<Runnable> completions = new ArrayList<>(batch.size());
    for (Task<?> task : batch) {
      Optional<Runnable> done = runUnguarded(task);
      if (done.isEmpty()) {
        rollbackQuietly();
        return runEachInItsSavepoint(batch);
      }
      completions.add(done.get());
    }
    return completions;
  }

  private List<Runnable> runEachInItsSavepoint(List<Task<?>> batch) {
    List<Runnable> completions = new ArrayList<>(batch.size());
    for (Task<?> task : batch) {
      completions.add(runOne(task));
    }
    return completions;
  }

  /**
   * Runs one task of a batch with no savepoint; empty when it threw, leaving whatever it wrote
   * before that in the transaction.
   */
  private <T> Optional<Runnable> runUnguarded(Task<T> task) {
    try {
      T result = task.work().run(connection);
      return Optional.of(() -> task.done().complete(result));
    } catch (Exception | Error e) {
      return Optional.empty();
    }
  }

  /** Runs the one task of a batch; a failure rolls the whole transaction back. */
  private <T> Runnable runAlone(Task<T> task) {
    try {
      T result = task.work().run(connection);
      return () -> task.done().complete(result);
    } catch (Exception | Error e) {
      rollbackQuietly();
      return failed(task, e);
    }
  }

  /** Runs one task in a savepoint; returns how to complete its future once the batch committed. */
  private <T> Runnable runOne(Task<T> task) {
    boolean saved = false;
    try {
      execute(connection, SAVEPOINT);
      saved = true;
      T result = task.work().run(connection);
      execute(connection, RELEASE);
      return () -> task.done().complete(result);
    } catch (Exception | Error e) {
      if (saved) {
        rollbackToSavepoint();
      }
      return failed(task, e);
    }
  }

  /**
   * How to fail {@code task} with what its work threw: a runtime exception or an {@link Error} as
   * it is (its caller gets it, as a caller writing alone would), anything else as the store's
   * failure. An Error is the work's own: it fails that write only, never the writer.
   */
  private static <T> Runnable failed(Task<T> task, Throwable e) {
    Throwable failure =
        e instanceof RuntimeException || e instanceof Error ? e : new StoreUnavailable("write", e);
    if (!(e instanceof RuntimeException)) {
      log.error("A write failed", e);
    }
    return () -> task.done().completeExceptionally(failure);
  }

  /** Undoes the failed task's writes and ends its savepoint, so the batch goes on without them. */
  private void rollbackToSavepoint() {
    try {
      execute(connection, ROLLBACK_TO);
      execute(connection, RELEASE);
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
      // a caller writing alone may still hold the connection; closed keeps any other from starting
      connectionInUse.lock();
      try {
        connection.close();
      } finally {
        connectionInUse.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      log.warn("Closing the writer connection failed", e);
    }
  }
}
