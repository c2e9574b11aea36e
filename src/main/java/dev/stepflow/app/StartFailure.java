package dev.stepflow.app;

import java.util.ArrayList;
import java.util.List;

/**
 * A server start that cannot go on: the data folder is in use by another server, the port is taken,
 * the store cannot be opened. {@link StepflowServer#start} throws it before the engine has claimed
 * any work, after closing whatever the start had opened, so nothing changed and a later start on
 * the same folder and port works. Its message is one line: what failed, why, and what to do. The
 * CLI prints it alone and exits with code 2; an embedding application may catch it.
 */
public final class StartFailure extends RuntimeException {
  private static final int MAX_CAUSES = 10;
  private static final int SENTENCE = 30;

  public StartFailure(String message) {
    super(message);
  }

  public StartFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Why {@code e} happened, in one line: the messages along its causes, outermost first, with line
   * breaks folded. A message that quotes a deeper sentence whole (Flyway's and Hikari's wrappers)
   * is left out for it; one that quotes a few words ("Permission denied") is kept, since it says
   * where, and the words it quotes are not said again.
   */
  static String reasons(Throwable e) {
    List<String> messages = messages(e);
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      String message = messages.get(i);
      boolean quotesDeeper =
          messages.subList(i + 1, messages.size()).stream()
              .anyMatch(deeper -> deeper.length() >= SENTENCE && message.contains(deeper));
      boolean quotedAbove = kept.stream().anyMatch(outer -> outer.contains(message));
      if (!quotesDeeper && !quotedAbove) {
        kept.add(message.replaceAll("[.]$", ""));
      }
    }
    String joined = kept.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", kept);
    return joined.replaceAll("\\s*\\R\\s*", " ");
  }

  /** The distinct messages of {@code e} and its causes, outermost first. */
  private static List<String> messages(Throwable e) {
    List<String> messages = new ArrayList<>();
    Throwable t = e;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++) {
      String message = t.getMessage() == null ? "" : t.getMessage().strip();
      if (!message.isEmpty() && !messages.contains(message)) {
        messages.add(message);
      }
      t = t.getCause();
    }
    return messages;
  }
}
