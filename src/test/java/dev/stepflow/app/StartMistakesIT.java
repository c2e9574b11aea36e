package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.testing.StepflowProcess.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Common mistakes on the command line, through the packaged jar: each ends with exit code 2 and a
 * message that names the option and the value, never with a stack trace or the whole usage text.
 * DataFolderLockIT and FailedStartIT hold starts that fail on a folder in use or a port in use to
 * the same one line.
 */
class StartMistakesIT {
  @TempDir Path dir;

  /** Exit code 2, nothing on stdout, and {@code message} alone on stderr. */
  static void assertToldInOneLine(CommandResult result, String message) {
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr().lines().toList()).as(result.stderr()).containsExactly(message);
  }

  @Test
  void aDataFolderThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    assertToldInOneLine(
        StepflowProcess.run(List.of("serve", "--port", "0", "--data", file.toString())),
        "Cannot use folder "
            + file
            + " (--data): it is a file, not a folder. Choose a folder this user may write to;"
            + " missing folders are created.");
  }

  @Test
  void aDataFolderThatCannotBeCreatedIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    Path below = file.resolve("data");
    assertToldInOneLine(
        StepflowProcess.run(List.of("serve", "--port", "0", "--data", below.toString())),
        "Cannot use folder "
            + below
            + " (--data): "
            + file
            + " is a file, not a folder. Choose a folder this user may write to; missing folders"
            + " are created.");
  }

  @Test
  void aReadOnlyDataFolderIsRefused() throws Exception {
    Path readOnly = Files.createDirectory(dir.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    assumeThat(Files.isWritable(readOnly)).as("root writes anywhere").isFalse();
    assertToldInOneLine(
        StepflowProcess.run(List.of("serve", "--port", "0", "--data", readOnly.toString())),
        "Cannot use folder "
            + readOnly
            + " (--data): it is not writable by this user. Choose a folder this user may write"
            + " to; missing folders are created.");
  }

  @Test
  void tokenCreateIntoAFileAsDataFolderIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    CommandResult result =
        StepflowProcess.run(
            List.of(
                "token",
                "create",
                "--data",
                file.toString(),
                "--name",
                "ci",
                "--permission",
                "read",
                "--all-accounts"));
    assertToldInOneLine(
        result,
        "Cannot use folder "
            + file
            + " (--data): it is a file, not a folder. Choose a folder this user may write to;"
            + " missing folders are created.");
  }

  @Test
  void aValueTheOptionsDoNotAllowIsToldWithoutTheWholeUsage() throws Exception {
    CommandResult result =
        StepflowProcess.run(
            List.of(
                "serve",
                "--port",
                "0",
                "--data",
                dir.resolve("data").toString(),
                "--lease-seconds",
                "0"));
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr().lines().toList())
        .containsExactly(
            "--lease-seconds must be at least 1 (found: 0)",
            "Run 'stepflow serve --help' for the options.");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aStoreThatIsNotADatabaseIsToldInOneLine() throws Exception {
    Path data = Files.createDirectory(dir.resolve("data"));
    Files.writeString(data.resolve("stepflow.db"), "not a database");
    assertToldInOneLine(
        StepflowProcess.run(List.of("serve", "--port", "0", "--data", data.toString())),
        "Cannot open the store (data in "
            + data
            + "): [SQLITE_NOTADB] File opened that is not a database file (file is not a"
            + " database). Check that this user may write the data folder and the disk has room,"
            + " or choose another --data.");
  }
}
