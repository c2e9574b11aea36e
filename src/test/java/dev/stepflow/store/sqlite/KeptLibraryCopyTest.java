package dev.stepflow.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/** SQLite's library is written to the user's folder once, whole, and only into a private folder. */
class KeptLibraryCopyTest {
  @TempDir Path dir;

  private static byte[] libraryInTheJar() throws IOException {
    String resource =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }

  private static long filesIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.count();
    }
  }

  @Test
  void theFirstUseWritesTheLibraryIntoAFolderOfTheOwnersOnly() throws IOException {
    Path folder = dir.resolve("stepflow-user");

    Path copy = KeptLibraryCopy.keep(folder).orElseThrow();

    assertThat(copy.getParent()).isEqualTo(folder);
    assertThat(copy.getFileName().toString()).startsWith("sqlite-" + SQLiteJDBCLoader.getVersion());
    assertThat(Files.readAllBytes(copy)).isEqualTo(libraryInTheJar());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
        .isEqualTo("rwx------");
    assertThat(filesIn(folder)).isEqualTo(1);
  }

  @Test
  void laterUsesLoadTheSameCopyWithoutWritingIt() throws IOException {
    Path folder = dir.resolve("stepflow-user");
    Path copy = KeptLibraryCopy.keep(folder).orElseThrow();
    FileTime written = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(copy, written);

    assertThat(KeptLibraryCopy.keep(folder)).contains(copy);
    assertThat(KeptLibraryCopy.keep(folder)).contains(copy);

    assertThat(Files.getLastModifiedTime(copy)).isEqualTo(written);
    assertThat(filesIn(folder)).isEqualTo(1);
  }

  @Test
  void aCopyCutShortIsWrittenAgain() throws IOException {
    Path folder = dir.resolve("stepflow-user");
    Path copy = KeptLibraryCopy.keep(folder).orElseThrow();
    Files.write(copy, new byte[] {1, 2, 3});

    assertThat(KeptLibraryCopy.keep(folder)).contains(copy);

    assertThat(Files.readAllBytes(copy)).isEqualTo(libraryInTheJar());
  }

  @Test
  void aPartialCopyOfAKilledProcessIsRemovedWhenTheNextCopyIsWritten() throws IOException {
    Path folder = dir.resolve("stepflow-user");
    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(ownerOnly()));
    Path abandoned = Files.write(folder.resolve("partial-123.so"), new byte[] {1});
    Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minusSeconds(120)));
    Path inProgress = Files.write(folder.resolve("partial-456.so"), new byte[] {1});

    Path copy = KeptLibraryCopy.keep(folder).orElseThrow();

    assertThat(abandoned).doesNotExist();
    assertThat(inProgress).exists();
    assertThat(copy).exists();
  }

  @Test
  void aFolderOthersCanWriteToIsNotUsed() throws IOException {
    Path folder = dir.resolve("stepflow-user");
    Files.createDirectory(folder);
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThat(KeptLibraryCopy.keep(folder)).isEmpty();

    assertThat(filesIn(folder)).isZero();
  }

  @Test
  void aLinkInPlaceOfTheFolderIsNotFollowed() throws IOException {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Files.setPosixFilePermissions(elsewhere, ownerOnly());
    Path folder = Files.createSymbolicLink(dir.resolve("stepflow-user"), elsewhere);

    assertThat(KeptLibraryCopy.keep(folder)).isEmpty();

    assertThat(filesIn(elsewhere)).isZero();
  }

  private static Set<PosixFilePermission> ownerOnly() {
    return PosixFilePermissions.fromString("rwx------");
  }
}
