package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One start line of the effect log ({@code --effects-log}): a step attempt or rollback call began.
 * Compared without its time; lines where an attempt's work ended are left out.
 */
record EffectStart(String instanceId, String kind, String step, int attempt) {

  boolean isFirstDo() {
    return kind.equals("do") && attempt == 1;
  }

  /** The time the first line equal to {@code effect} was written. */
  static Instant timeOf(Path file, EffectStart effect) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f.length == 5
          && new EffectStart(f[0], f[1], f[2], Integer.parseInt(f[3])).equals(effect)) {
        return Instant.parse(f[4]);
      }
    }
    throw new AssertionError("no effect line " + effect + " in " + file);
  }

  /** Every complete line (the file is appended to while a server runs); a malformed line fails. */
  static List<EffectStart> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    List<EffectStart> lines = new ArrayList<>();
    for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
      String[] fields = line.split("\t");
      assertThat(fields).as("effect log line '%s'", line).hasSize(5);
      if (!fields[1].endsWith("-end")) { // when an attempt's work ended; this test counts starts
        lines.add(new EffectStart(fields[0], fields[1], fields[2], Integer.parseInt(fields[3])));
      }
    }
    return lines;
  }
}
