package dev.stepflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a node's effect log ({@code --effects-log}): a step attempt or rollback call began
 * ({@code do}, {@code rollback}) or its work ended ({@code do-end}, {@code rollback-end}), at the
 * time the node's clock said.
 */
public record EffectLine(
    String node, String instanceId, String kind, String step, int attempt, Instant at) {

  public boolean isStart() {
    return !kind.endsWith("-end");
  }

  /** The kind of attempt, start or end: {@code do} or {@code rollback}. */
  public String attemptKind() {
    return isStart() ? kind : kind.substring(0, kind.length() - "-end".length());
  }

  /**
   * Every complete line of {@code file} (a running node appends to it), tagged with {@code node}.
   */
  public static List<EffectLine> read(String node, Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int end = text.lastIndexOf('\n');
    List<EffectLine> lines = new ArrayList<>();
    for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
      String[] f = line.split("\t");
      if (f.length != 5) {
        throw new IllegalStateException("malformed effect log line in " + file + ": " + line);
      }
      lines.add(
          new EffectLine(node, f[0], f[1], f[2], Integer.parseInt(f[3]), Instant.parse(f[4])));
    }
    return lines;
  }
}
