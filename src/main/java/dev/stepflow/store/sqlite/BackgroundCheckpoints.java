package dev.stepflow.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL's pages into the database file on a thread of its own, so that the single writer
 * rarely does. SQLite checkpoints on the connection whose commit takes the WAL past {@code
 * wal_autocheckpoint} pages: every thousand pages by default, it copied each page changed since the
 * last checkpoint and synced both files, while every write waiting behind it waited too (about a
 * fifth of the writer's throughput on status changes, {@code StatusChangeBench}).
 *
 * <p>Here a passive checkpoint runs every {@link #EVERY} on a connection of its own. It never waits
 * for the writer nor holds it up. The writer's own threshold is raised to {@link
 * SqliteDatabase#WRITER_CHECKPOINT_PAGES}: when the WAL reaches it, the writer's checkpoint finds
 * nearly every page copied already and only syncs; its next transaction then starts the WAL over
 * from the beginning. That keeps the WAL bounded even if this thread falls behind or fails, which
 * is why a failure here is logged and the thread goes on.
 */
final class BackgroundCheckpoints implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackgroundCheckpoints.class);

  /** How often a checkpoint runs; a checkpoint with nothing new to copy costs a few reads. */
  static final Duration EVERY = Duration.ofMillis(50);

  private final Connection connection;
  private final Thread thread;
  private final AtomicLong checkpointedFrames = new AtomicLong();
  private volatile boolean closed;

  BackgroundCheckpoints(Connection connection) {
    this.connection = connection;
    this.thread = Thread.ofPlatform().name("stepflow-checkpoints").daemon().start(this::loop);
  }

  /**
   * How many of the WAL's frames its last checkpoint found copied into the database file (the WAL
   * starts over from zero after the writer's own checkpoint).
   */
  long checkpointedFrames() {
    return checkpointedFrames.get();
  }

  private void loop() {
    boolean failing = false;
    while (!closed) {
      try {
        Thread.sleep(EVERY);
        checkpoint();
        if (failing) {
          log.info("Background checkpoints of the WAL work again");
          failing = false;
        }
      } catch (InterruptedException e) {
        return;
      } catch (SQLException e) {
        if (!closed && !failing) {
          log.warn(
              "A background checkpoint of the WAL failed; the writer checkpoints on its own until"
                  + " they work again",
              e);
          failing = true;
        }
      }
    }
  }

  /** One passive checkpoint: copies what no reader still needs from the WAL, waiting for none. */
  private void checkpoint() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      // columns: busy (another checkpoint was running), frames in the WAL, frames copied of them
      if (rs.next() && rs.getInt(1) == 0) {
        checkpointedFrames.set(rs.getLong(3));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("Closing the checkpoint connection failed", e);
    }
  }
}
