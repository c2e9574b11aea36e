package dev.stepflow.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * How a throughput case warms its processes up before it is timed: waves of {@code wave} instances,
 * each run to completion, until at least {@code atLeast} has passed. A count alone warms a fast
 * engine for less time than a slow one: 3,000 instances took about one second on SQLite, while the
 * server's JIT compiled for some 13 seconds of load, so the timed run measured the compiler more
 * than the engine (bench/results/engine-2026-12-05-warm-up.md). Every case gets the same time, and
 * at least one wave.
 */
record WarmUp(int wave, Duration atLeast) {

  /** One wave of warm-up: runs {@code count} instances named after {@code index} to completion. */
  interface Wave {
    void run(int index, int count) throws IOException, InterruptedException;
  }

  /** The warm-up in words, for a report: "3,000 instances", or the waves and the time. */
  String describe() {
    String count = String.format(Locale.ROOT, "%,d instances", wave);
    return atLeast.isZero()
        ? count
        : "waves of %s until at least %d s had passed".formatted(count, atLeast.toSeconds());
  }

  /** Runs waves until the time has passed; returns how many instances they ran in all. */
  int run(Wave wave) throws IOException, InterruptedException {
    if (this.wave <= 0) {
      return 0;
    }
    long until = System.nanoTime() + atLeast.toNanos();
    int waves = 0;
    do {
      wave.run(++waves, this.wave);
    } while (System.nanoTime() < until);
    return waves * this.wave;
  }
}
