package dev.stepflow.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers killed with SIGKILL leave nothing behind in the temporary folder: each loads the one kept
 * copy of SQLite's library, where the driver alone would leave a 1.1 MB copy (and its lock file)
 * per kill.
 */
class LibraryCopyAfterKillIT {
  @TempDir Path work;

  private static List<String> namesIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void threeKilledServersLeaveOneCopyOfTheLibrary() throws IOException {
    Path temp = Files.createDirectory(work.resolve("tmp"));
    for (int start = 1; start <= 3; start++) {
      try (StepflowProcess server =
          StepflowProcess.start(
              work.resolve("data"),
              work,
              "server-" + start,
              List.of("-Djava.io.tmpdir=" + temp),
              List.of())) {
        assertThat(server.client().get("/healthz").status()).isEqualTo(200);
        assertThat(server.kill()).isNotZero();
      }
    }

    String userFolder = "stepflow-" + System.getProperty("user.name");
    assertThat(namesIn(temp)).containsExactly(userFolder);
    assertThat(namesIn(temp.resolve(userFolder)))
        .singleElement()
        .asString()
        .startsWith("sqlite-")
        .endsWith(".so");
  }
}
