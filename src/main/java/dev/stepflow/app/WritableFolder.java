package dev.stepflow.app;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A folder a command is about to write to (the data folder, the folder of a tokens file): created
 * if missing, only its owner may enter the folders it creates (0700, where the file system has
 * POSIX modes), and refused before anything is written when it cannot be used, with an {@link
 * IllegalArgumentException} that names the option, the path and the reason, which the CLI prints as
 * one line.
 */
final class WritableFolder {
  private static final String ADVICE =
      " Choose a folder this user may write to; missing folders are created.";

  private WritableFolder() {}

  /**
   * Creates {@code folder} if needed; {@code source} says where it came from, e.g. "--data", for
   * the message.
   */
  static void require(Path folder, String source) {
    Path absolute = folder.toAbsolutePath();
    Path existing = nearestExisting(absolute);
    if (!Files.isDirectory(existing)) {
      String file = existing.equals(absolute) ? "it" : existing.toString();
      throw refused(folder, source, file + " is a file, not a folder.");
    }
    try {
      createOwnerOnly(folder);
    } catch (IOException e) {
      throw refused(folder, source, "it cannot be created: " + reason(e) + ".");
    }
    if (!Files.isWritable(folder)) {
      throw refused(folder, source, "it is not writable by this user.");
    }
  }

  /**
   * An existing folder keeps its mode: the operator chose it, and the files Stepflow keeps in it
   * are readable by their owner only anyway.
   */
  private static void createOwnerOnly(Path folder) throws IOException {
    try {
      Files.createDirectories(
          folder,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException noPosixModes) {
      Files.createDirectories(folder);
    }
  }

  /** {@code path} if it exists, else its nearest ancestor that does. */
  private static Path nearestExisting(Path path) {
    Path existing = path;
    while (!Files.exists(existing) && existing.getParent() != null) {
      existing = existing.getParent();
    }
    return existing;
  }

  private static IllegalArgumentException refused(Path folder, String source, String problem) {
    return new IllegalArgumentException(
        "Cannot use folder " + folder + " (" + source + "): " + problem + ADVICE);
  }

  private static String reason(IOException e) {
    return switch (e) {
      case AccessDeniedException denied -> "permission denied for " + denied.getFile();
      case FileSystemException other when other.getReason() != null ->
          other.getFile() + ": " + other.getReason();
      default -> e.toString();
    };
  }
}
