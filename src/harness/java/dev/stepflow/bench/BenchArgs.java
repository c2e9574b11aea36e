package dev.stepflow.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --name=value} options of a benchmark's command line. Each option is taken once; an
 * option no benchmark took is an error, so a misspelt name is not silently ignored.
 */
public final class BenchArgs {
  private final Map<String, String> given = new HashMap<>();

  public BenchArgs(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("options are --name=value; got " + arg);
      }
      given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
  }

  /** The option's text, or {@code fallback} (which may be null) when it was not given. */
  public String text(String name, String fallback) {
    String value = given.remove(name);
    return value == null ? fallback : value;
  }

  /** A whole number; {@code _} may group digits ({@code --instances=10_000}). */
  public int number(String name, int fallback) {
    String value = given.remove(name);
    return value == null ? fallback : Integer.parseInt(value.replace("_", ""));
  }

  public Path path(String name, String fallback) {
    return Path.of(text(name, fallback));
  }

  /** Words separated by blanks (JVM options), or {@code fallback} when not given or blank. */
  public List<String> words(String name, List<String> fallback) {
    String value = given.remove(name);
    return value == null || value.isBlank() ? fallback : List.of(value.trim().split("\\s+"));
  }

  /** Fails when an option was given that no one took. */
  public void requireAllTaken() {
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("unknown options: " + given.keySet());
    }
  }
}
