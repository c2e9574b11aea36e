package dev.stepflow.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * One copy of SQLite's native library per driver build, kept in a folder of the user's own, for
 * every Stepflow process to load.
 *
 * <p>Left to itself the driver copies its library out of the jar into the temporary folder under a
 * new random name at each start and deletes the copy at a clean exit. A process killed with kill -9
 * leaves its copy (1.1 MB) behind for good, since the driver's clean-up skips copies whose lock
 * file remains, and the lock file remains too. A server restarted by a supervisor after each crash
 * filled {@code /tmp} that way. The kept copy is named by the driver's version and the library
 * entry's CRC-32 and size, so a copy is written once, by whichever process first needs it, and a
 * changed library gets a new name.
 *
 * <p>The folder is {@code <java.io.tmpdir>/stepflow-<user>}, readable and writable by its owner
 * only: a library loaded from a folder others can write to would run their code. When the folder
 * cannot be made so (another owner, no POSIX permissions), or the user chose the library's place
 * ({@code org.sqlite.lib.path} or {@code org.sqlite.tmpdir}), the driver does as it always did.
 */
final class KeptLibraryCopy {
  private static final Logger log = LoggerFactory.getLogger(KeptLibraryCopy.class);

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);

  private static boolean settled;

  private KeptLibraryCopy() {}

  /**
   * Points the driver at the kept copy, writing it first if it is missing, unless the user placed
   * the library; at most once per process, and before the driver loads its library.
   */
  static synchronized void use() {
    if (settled) {
      return;
    }
    settled = true;
    if (System.getProperty("org.sqlite.lib.path") != null
        || System.getProperty("org.sqlite.tmpdir") != null) {
      return;
    }
    Path folder =
        Path.of(
            System.getProperty("java.io.tmpdir"), "stepflow-" + System.getProperty("user.name"));
    keep(folder)
        .ifPresent(
            copy -> {
              System.setProperty("org.sqlite.lib.path", copy.getParent().toString());
              System.setProperty("org.sqlite.lib.name", copy.getFileName().toString());
            });
  }

  /**
   * The kept copy of this platform's library in {@code folder}, written if missing or cut short;
   * empty (and the reason logged) when the driver should extract the library as it does by itself.
   */
  static Optional<Path> keep(Path folder) {
    String resource =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    URL url = SQLiteJDBCLoader.class.getResource(resource);
    if (url == null) {
      // no library for this platform in the jar: the driver's own search reports it
      return Optional.empty();
    }
    try {
      URLConnection connection = url.openConnection();
      if (!(connection instanceof JarURLConnection jar)) {
        return Optional.empty();
      }
      JarEntry entry = jar.getJarEntry();
      if (entry.getCrc() < 0 || entry.getSize() < 0 || !ownFolder(folder)) {
        return Optional.empty();
      }
      Path copy =
          folder.resolve(
              "sqlite-%s-%08x-%d-%s"
                  .formatted(
                      SQLiteJDBCLoader.getVersion(),
                      entry.getCrc(),
                      entry.getSize(),
                      LibraryLoaderUtil.getNativeLibName()));
      if (!Files.isRegularFile(copy) || Files.size(copy) != entry.getSize()) {
        write(connection, folder, copy);
      }
      return Optional.of(copy);
    } catch (IOException | RuntimeException e) {
      log.debug("No kept copy of SQLite's library in {}; the driver extracts its own", folder, e);
      return Optional.empty();
    }
  }

  /** Creates {@code folder} for its owner only, or checks that it is so. */
  private static boolean ownFolder(Path folder) throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return false;
    }
    if (!Files.exists(folder)) {
      try {
        Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (FileAlreadyExistsException raced) {
        // another process made it first: checked below like any existing folder
      }
    }
    boolean own =
        Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
            && Files.getOwner(folder, LinkOption.NOFOLLOW_LINKS)
                .getName()
                .equals(System.getProperty("user.name"))
            && Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY);
    if (!own) {
      log.warn(
          "{} is not a folder of this user's only (owner {}, permissions rwx------ wanted); SQLite's"
              + " library is extracted to a new file at each start instead",
          folder,
          System.getProperty("user.name"));
    }
    return own;
  }

  /**
   * Writes the library to a file of its own in {@code folder} and renames it into place, so that a
   * process loading {@code copy} never sees part of it, even when several start at once.
   */
  private static void write(URLConnection connection, Path folder, Path copy) throws IOException {
    removeAbandonedPartials(folder);
    Path partial = Files.createTempFile(folder, "partial-", ".so");
    try {
      try (InputStream in = connection.getInputStream()) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(
          partial, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /**
   * Deletes partial copies older than a minute: left by a process killed while it wrote one (a
   * write takes milliseconds, so a minute-old one is no one's work in progress).
   */
  private static void removeAbandonedPartials(Path folder) throws IOException {
    FileTime before = FileTime.from(Instant.now().minus(ABANDONED_AFTER));
    try (DirectoryStream<Path> partials = Files.newDirectoryStream(folder, "partial-*.so")) {
      for (Path partial : partials) {
        if (Files.getLastModifiedTime(partial).compareTo(before) < 0) {
          Files.deleteIfExists(partial);
        }
      }
    }
  }
}
