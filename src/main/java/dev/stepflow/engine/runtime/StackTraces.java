package dev.stepflow.engine.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Stack traces as the store keeps them: text, bounded so that a deep one cannot bloat a step. */
final class StackTraces {
  /** Enough for the cause chain of any sensible failure; the rest is cut with a note. */
  static final int MAX_CHARS = 16 * 1024;

  private StackTraces() {}

  /** The stack trace of {@code error} with its causes, or null when there is none. */
  static String text(Throwable error) {
    if (error == null) {
      return null;
    }
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    String text = out.toString();
    return text.length() <= MAX_CHARS
        ? text
        : text.substring(0, MAX_CHARS) + "\n\t... (cut at " + MAX_CHARS + " characters)";
  }
}
