package dev.stepflow.bench;

import java.io.IOException;

/**
 * CPU time as Linux's /proc reports it, in clock ticks, converted to seconds at the rate {@code
 * getconf CLK_TCK} gives (100 when it cannot be read).
 */
final class ClockTicks {
  private static final long PER_SECOND = perSecond();

  private ClockTicks() {}

  static double seconds(long ticks) {
    return ticks / (double) PER_SECOND;
  }

  private static long perSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
