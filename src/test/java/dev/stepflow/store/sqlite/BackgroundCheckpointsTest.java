package dev.stepflow.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL's pages reach the database file without the writer checkpointing: a thread of the store
 * copies them while the writer's own threshold is far away.
 */
class BackgroundCheckpointsTest {
  private static final int WRITES = 40;
  private static final int ROW_BYTES = 3_000;

  @TempDir Path dir;

  @Test
  void theWalIsCopiedIntoTheDatabaseFileLongBeforeTheWriterWould() throws Exception {
    Path file = dir.resolve("stepflow.db");
    try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.PROCESS_CRASH)) {
      int threshold = db.write(BackgroundCheckpointsTest::writerThreshold);
      assertThat(threshold).isEqualTo(SqliteDatabase.WRITER_CHECKPOINT_PAGES);
      db.write(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
            }
            return null;
          });
      long before = Files.size(file);
      for (int i = 0; i < WRITES; i++) {
        db.write(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("INSERT INTO filler (body) VALUES (?)")) {
                ps.setBytes(1, new byte[ROW_BYTES]);
                ps.executeUpdate();
              }
              return null;
            });
      }

      // about 40 pages in the WAL, a fraction of the writer's threshold: only the background
      // checkpoints copy them into the file
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(db.checkpointedFrames()).isPositive();
                assertThat(Files.size(file)).isGreaterThan(before + (long) WRITES * ROW_BYTES);
              });
      int rows = db.read(c -> count(c.createStatement()));
      assertThat(rows).isEqualTo(WRITES);
    }
    try (SqliteDatabase reopened = SqliteDatabase.open(dir, Durability.PROCESS_CRASH)) {
      int rows = reopened.read(c -> count(c.createStatement()));
      assertThat(rows).isEqualTo(WRITES);
    }
  }

  /**
   * The writer never turns a read into a write, which SQLite may refuse at once while the
   * checkpoints' connection holds a lock: its transactions begin as writes, so it holds SQLite's
   * write lock even between them, and another connection cannot begin one.
   */
  @Test
  void theWriterBeginsEveryTransactionAsAWrite() throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.PROCESS_CRASH)) {
      db.write(BackgroundCheckpointsTest::writerThreshold);
      try (java.sql.Connection other =
              java.sql.DriverManager.getConnection(
                  "jdbc:sqlite:" + dir.resolve("stepflow.db").toAbsolutePath());
          Statement s = other.createStatement()) {
        s.execute("PRAGMA busy_timeout = 0");
        assertThatThrownBy(() -> s.execute("BEGIN IMMEDIATE"))
            .isInstanceOf(java.sql.SQLException.class)
            .hasMessageContaining("SQLITE_BUSY");
      }
    }
  }

  private static int writerThreshold(java.sql.Connection c) throws java.sql.SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static int count(Statement s) throws java.sql.SQLException {
    try (s;
        ResultSet rs = s.executeQuery("SELECT count(*) FROM filler")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
