package dev.stepflow.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The log a server process writes to stderr ({@code HH:mm:ss.SSS LEVEL logger - message}), read
 * from a mark on, so that a test looks only at what its own requests made the server log.
 */
final class ServerLog {
  private static final Pattern ERROR = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR .*");

  /** The first line of a printed exception: {@code java.io.IOException: Broken pipe}. */
  private static final Pattern THROWABLE =
      Pattern.compile("^([a-zA-Z_$][\\w$]*\\.)+[\\w$]*(Exception|Error|Throwable)(: .*)?$");

  private static final Pattern WARN = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN .*");

  /**
   * How long a test waits before reading the log: what a request makes the server log can be
   * written after its answer (a failure is logged once the client is gone), and there is no event
   * to wait for instead.
   */
  static final long SETTLE_MILLIS = 1_000;

  private final Path file;

  ServerLog(Path file) {
    this.file = file;
  }

  /** The log's current end. */
  long mark() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines written since {@code mark}. */
  List<String> since(long mark) {
    try {
      byte[] all = Files.readAllBytes(file);
      int from = (int) Math.min(mark, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits {@link #SETTLE_MILLIS}, then returns the lines written since {@code mark}. */
  List<String> settledSince(long mark) throws InterruptedException {
    Thread.sleep(SETTLE_MILLIS);
    return since(mark);
  }

  /**
   * ERROR lines and the lines of a printed exception (its first line, {@code \tat ...}, {@code
   * Caused by: ...}, {@code ... n more}).
   */
  static List<String> errorsAndStackTraces(List<String> lines) {
    return lines.stream()
        .filter(
            line ->
                ERROR.matcher(line).matches()
                    || THROWABLE.matcher(line).matches()
                    || line.startsWith("\tat ")
                    || line.startsWith("Caused by: ")
                    || (line.startsWith("\t...") && line.endsWith("more")))
        .toList();
  }

  static List<String> warnings(List<String> lines) {
    return lines.stream().filter(line -> WARN.matcher(line).matches()).toList();
  }
}
