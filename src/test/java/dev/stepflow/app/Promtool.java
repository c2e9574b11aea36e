package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus's promtool: the one {@code STEPFLOW_TEST_PROMTOOL} names (scripts/test sets it,
 * from scripts/promtool-for-tests, so CI fails rather than skips when it is missing), else the one
 * on the PATH; a test is skipped only where neither exists.
 */
final class Promtool {
  static final String ENV = "STEPFLOW_TEST_PROMTOOL";

  record Result(int exitCode, String output) {}

  private Promtool() {}

  /** The promtool to run; skips the test where there is none and none was required. */
  static String path() {
    String required = System.getenv(ENV);
    if (required != null && !required.isBlank()) {
      assertThat(Path.of(required))
          .as("%s names no executable promtool (scripts/promtool-for-tests installs one)", ENV)
          .isExecutable();
      return required;
    }
    String onPath = onPath();
    assumeTrue(onPath != null, "promtool is not on the PATH (scripts/promtool-for-tests)");
    return onPath;
  }

  private static String onPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  /** Runs promtool with {@code args}, {@code stdin} (or nothing) as its input. */
  static Result run(List<String> args, String stdin) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(path());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
    return new Result(process.exitValue(), output);
  }
}
