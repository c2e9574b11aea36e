package dev.stepflow.workflow.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectLogTest {

  @Test
  void aLineWrittenByAnInterruptedThreadLeavesTheLogOpenForEveryOther(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("effects.log");
    EffectLog log = EffectLog.toFile(file);

    Thread.currentThread().interrupt();
    try {
      log.ended("i1", "do", "charge-1", 1);
    } finally {
      Thread.interrupted();
    }
    log.record("i2", "do", "ship-1", 1);

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("i1\tdo-end\tcharge-1\t1\t");
    assertThat(lines.get(1)).startsWith("i2\tdo\tship-1\t1\t");
  }
}
