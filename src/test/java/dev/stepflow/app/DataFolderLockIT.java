package dev.stepflow.app;

import static dev.stepflow.app.StartMistakesIT.assertToldInOneLine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server per data folder, and a data folder only its owner can read, through the packaged jar:
 * a second server on a folder in use exits 2 with one line naming the folder and the holder, the
 * first goes on serving, and a killed server's lock does not outlive it.
 */
class DataFolderLockIT {
  private static final String WF = "/client/v4/accounts/acc1/workflows/locked";

  @TempDir Path dir;

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static void assertServes(ApiClient api) {
    assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
    assertThat(api.post(WF + "/instances", "{}").status()).isEqualTo(200);
  }

  @Test
  void aSecondServerOnTheFolderIsRefusedAndTheFirstKeepsServing() throws Exception {
    Path data = dir.resolve("data");
    try (StepflowProcess first = StepflowProcess.start(data, dir, "first")) {
      assertToldInOneLine(
          StepflowProcess.run(List.of("serve", "--port", "0", "--data", data.toString())),
          "Data folder "
              + data
              + " is in use by another Stepflow server (pid "
              + first.pid()
              + "); stop it or choose another --data.");
      assertThat(first.isAlive()).isTrue();
      assertServes(first.client());
    }
  }

  @Test
  void aKilledServerLeavesNoLockBehind() throws Exception {
    Path data = dir.resolve("data");
    try (StepflowProcess first = StepflowProcess.start(data, dir, "first")) {
      first.kill();
    }
    assertThat(data.resolve(DataFolderLock.FILE_NAME)).exists();
    try (StepflowProcess again = StepflowProcess.start(data, dir, "again")) {
      assertServes(again.client());
    }
  }

  @Test
  void theDataFolderAndItsFilesAreTheOwnersOnly() throws Exception {
    Path data = dir.resolve("data");
    try (StepflowProcess server = StepflowProcess.start(data, dir, "server")) {
      assertServes(server.client());
      assertThat(mode(data)).isEqualTo("rwx------");
      for (String file :
          List.of(
              "stepflow.db",
              "stepflow.db-wal",
              "stepflow.db-shm",
              DataFolderLock.FILE_NAME,
              "tokens.json",
              "dev-token")) {
        assertThat(mode(data.resolve(file))).as(file).isEqualTo("rw-------");
      }
    }
  }
}
