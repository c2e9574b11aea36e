package dev.stepflow.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One server per data folder: an exclusive lock on {@code DATA/stepflow.lock}, held from the start
 * of a server to its {@link #close()}. The file holds the holder's process id, so a second server
 * can say who has the folder. The lock is the operating system's, so it ends with the process
 * however the process ends ({@code kill -9} too): the file a dead server leaves behind blocks
 * nobody, and is never deleted (deleting a lock file lets two processes lock two different files of
 * one name).
 */
final class DataFolderLock implements AutoCloseable {
  static final String FILE_NAME = "stepflow.lock";

  /**
   * The lock files this process holds. Within one process the second server must be refused before
   * it opens the file: on POSIX systems closing any descriptor of a file drops every lock the
   * process has on it, the first server's included.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataFolderLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code folder}, which exists; a folder another server holds (in this process or another)
   * is refused with a {@link StartFailure} that names it and, where known, the holder.
   */
  static DataFolderLock acquire(Path folder) {
    Path file = lockFile(folder);
    if (!HELD.add(file)) {
      throw inUse(folder, Optional.of(ProcessHandle.current().pid()));
    }
    try {
      return lock(folder, file);
    } catch (RuntimeException e) {
      HELD.remove(file);
      throw e;
    }
  }

  private static DataFolderLock lock(Path folder, Path file) {
    FileChannel channel = null;
    try {
      channel = open(file);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        Optional<Long> holder = holder(channel);
        channel.close();
        throw inUse(folder, holder);
      }
      writePid(channel);
      return new DataFolderLock(file, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StartFailure(
          "Cannot lock data folder "
              + folder.toAbsolutePath()
              + " (--data) through "
              + file
              + ": "
              + StartFailure.reasons(e)
              + ". Choose a folder on a local file system this user may write to.",
          e);
    }
  }

  /** The lock file of {@code folder}, by its real path: "data" and "./data" are one folder. */
  private static Path lockFile(Path folder) {
    try {
      return folder.toRealPath().resolve(FILE_NAME);
    } catch (IOException e) {
      return folder.toAbsolutePath().normalize().resolve(FILE_NAME);
    }
  }

  private static FileChannel open(Path file) throws IOException {
    try {
      return FileChannel.open(
          file,
          Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException noPosixModes) {
      return FileChannel.open(
          file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
  }

  private static void writePid(FileChannel channel) throws IOException {
    byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(pid), 0);
  }

  /**
   * The pid the holder wrote, if it is a live process: a holder that has not written yet, or the
   * pid of a dead one that the holder has not overwritten yet, is no answer.
   */
  private static Optional<Long> holder(FileChannel channel) throws IOException {
    ByteBuffer content = ByteBuffer.allocate(32);
    channel.read(content, 0);
    String text = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII);
    try {
      long pid = Long.parseLong(text.strip());
      return ProcessHandle.of(pid).isPresent() ? Optional.of(pid) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static StartFailure inUse(Path folder, Optional<Long> holder) {
    return new StartFailure(
        "Data folder "
            + folder.toAbsolutePath()
            + " is in use by another Stepflow server"
            + holder.map(pid -> " (pid " + pid + ")").orElse("")
            + "; stop it or choose another --data.");
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the open or lock failure is what gets reported
      }
    }
  }

  /** Releases the folder; the file stays, holding the pid of a process that let go. */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // closing the channel releases the lock whatever release() said
      closeQuietly(channel);
    } finally {
      HELD.remove(file);
    }
  }
}
