package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock within one process; DataFolderLockIT holds it against a second process. */
class DataFolderLockTest {
  @TempDir Path data;

  @Test
  void aSecondLockOnTheFolderIsRefusedWithThisProcessAsTheHolder() {
    try (DataFolderLock first = DataFolderLock.acquire(data)) {
      assertThatThrownBy(() -> DataFolderLock.acquire(data))
          .isInstanceOf(StartFailure.class)
          .hasMessage(
              "Data folder "
                  + data
                  + " is in use by another Stepflow server (pid "
                  + ProcessHandle.current().pid()
                  + "); stop it or choose another --data.");
    }
  }

  @Test
  void theSameFolderByAnotherPathIsRefusedToo() {
    Path other = data.resolve("sub").resolve("..");
    try (DataFolderLock first = DataFolderLock.acquire(data)) {
      assertThatThrownBy(() -> DataFolderLock.acquire(other)).isInstanceOf(StartFailure.class);
    }
  }

  @Test
  void aClosedLockLetsTheNextServerHaveTheFolder() {
    DataFolderLock.acquire(data).close();

    try (DataFolderLock again = DataFolderLock.acquire(data)) {
      assertThat(again).isNotNull();
    }
  }

  @Test
  void theLockFileHoldsTheHoldersPidForItsOwnerOnly() throws Exception {
    try (DataFolderLock lock = DataFolderLock.acquire(data)) {
      Path file = data.resolve(DataFolderLock.FILE_NAME);
      assertThat(Files.readString(file).strip())
          .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aLockFileLeftByAnEarlierHolderBlocksNobody() throws Exception {
    Files.writeString(data.resolve(DataFolderLock.FILE_NAME), "999999999\n");

    try (DataFolderLock lock = DataFolderLock.acquire(data)) {
      assertThat(Files.readString(data.resolve(DataFolderLock.FILE_NAME)).strip())
          .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
    }
  }
}
