package dev.stepflow.store.sqlite;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The database is its owner's only, where the file system has POSIX modes: a data folder this class
 * creates is 0700, and the database file with its {@code -wal} and {@code -shm} files is 0600.
 * SQLite gives the {@code -wal} and {@code -shm} files it creates the mode of the database file, so
 * the database file is created here, before SQLite opens it (an empty file is an empty database).
 * Files that exist already, left readable by others by an earlier version, are tightened; an
 * existing folder keeps its mode (the operator chose it).
 */
final class OwnerOnlyFiles {
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");
  private static final List<String> SIBLING_SUFFIXES = List.of("-wal", "-shm");

  private OwnerOnlyFiles() {}

  /** Creates {@code folder} if needed, and {@code database} in it, both for their owner only. */
  static void prepare(Path folder, Path database) throws IOException {
    if (!folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(folder);
      return;
    }
    Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
    try {
      Files.createFile(database, PosixFilePermissions.asFileAttribute(FILE_MODE));
    } catch (FileAlreadyExistsException existing) {
      restrict(database);
    }
    for (String suffix : SIBLING_SUFFIXES) {
      Path sibling = database.resolveSibling(database.getFileName() + suffix);
      if (Files.exists(sibling)) {
        restrict(sibling);
      }
    }
  }

  /** Changes the mode only where it differs: a file of another owner may already be right. */
  private static void restrict(Path file) throws IOException {
    if (!Files.getPosixFilePermissions(file).equals(FILE_MODE)) {
      Files.setPosixFilePermissions(file, FILE_MODE);
    }
  }
}
