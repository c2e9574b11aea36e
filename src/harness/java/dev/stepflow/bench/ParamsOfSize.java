package dev.stepflow.bench;

/**
 * Params of a given size for the benchmarks' instances, the same JSON as {@code
 * bench/create_instances.py} sends: {@code {"text":"xx..."}}.
 */
final class ParamsOfSize {
  private static final int AROUND_TEXT = "{\"text\":\"\"}".length();

  private ParamsOfSize() {}

  /** JSON of {@code chars} characters (at least the 11 around the text). */
  static String json(int chars) {
    return "{\"text\":\"" + "x".repeat(Math.max(0, chars - AROUND_TEXT)) + "\"}";
  }
}
