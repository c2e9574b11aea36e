package dev.stepflow.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite files are readable by their owner only, also those an earlier version left open. */
class OwnerOnlyFilesTest {
  @TempDir Path dir;

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static void writeSomething(SqliteDatabase db) {
    db.write(
        connection -> {
          try (var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS probe (x INTEGER)");
            statement.execute("INSERT INTO probe VALUES (1)");
          }
          return null;
        });
  }

  @Test
  void aNewDataFolderAndItsDatabaseFilesAreTheOwnersOnly() throws IOException {
    Path data = dir.resolve("new").resolve("data");
    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      writeSomething(db);
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(data.resolve("stepflow.db"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("stepflow.db-wal"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("stepflow.db-shm"))).isEqualTo("rw-------");
    }
  }

  @Test
  void databaseFilesOthersCouldReadAreTightenedAtOpen() throws IOException {
    Path data = dir.resolve("data");
    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      writeSomething(db);
    }
    Path database = data.resolve("stepflow.db");
    Path wal = data.resolve("stepflow.db-wal");
    Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-r--r--"));
    Files.write(wal, new byte[0]);
    Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("rw-r--r--"));

    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      assertThat(mode(database)).isEqualTo("rw-------");
      assertThat(mode(wal)).isEqualTo("rw-------");
    }
  }

  @Test
  void anExistingDataFolderKeepsItsMode() throws IOException {
    Path data = Files.createDirectory(dir.resolve("chosen"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));

    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      assertThat(mode(data)).isEqualTo("rwxr-x---");
      assertThat(mode(data.resolve("stepflow.db"))).isEqualTo("rw-------");
    }
  }
}
