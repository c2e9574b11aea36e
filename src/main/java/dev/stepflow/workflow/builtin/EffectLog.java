package dev.stepflow.workflow.builtin;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where the built-in workflows report their side effects, one line per step attempt or rollback
 * call: {@code instanceId kind step-count attempt time}. With a file, each line is written before
 * the work it reports, so it survives a kill -9 of the server; tests read it to prove what ran how
 * often. {@link Scripted} also writes a line when the attempt's work ends (returned, failed or was
 * interrupted), of kind {@code do-end} or {@code rollback-end}, so that tests can tell when it ran.
 */
public interface EffectLog {
  EffectLog NONE = (instanceId, kind, step, attempt) -> {};

  void record(String instanceId, String kind, String step, int attempt);

  /** The work of an attempt reported with {@link #record} ended: a line of kind KIND-end. */
  default void ended(String instanceId, String kind, String step, int attempt) {
    record(instanceId, kind + "-end", step, attempt);
  }

  /**
   * Appends lines to {@code file} (created if missing). Through a stream, not a FileChannel: a
   * channel closes for every thread when one thread is interrupted while it writes, and an
   * interrupt is how a terminate stops a step whose work then reports that it ended.
   */
  static EffectLog toFile(Path file) {
    FileOutputStream out;
    try {
      out = new FileOutputStream(file.toFile(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the effect log " + file, e);
    }
    return (instanceId, kind, step, attempt) -> {
      String line =
          instanceId + "\t" + kind + "\t" + step + "\t" + attempt + "\t" + Instant.now() + "\n";
      synchronized (out) {
        try {
          out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
