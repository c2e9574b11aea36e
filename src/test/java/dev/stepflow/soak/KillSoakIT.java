package dev.stepflow.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short kill -9 soak of the test suite: {@value #ROUNDS} rounds of mixed load, each ended by
 * SIGKILL, on one SQLite store, then the final settle and outcome checks ({@link KillSoak} says
 * what is checked). The seed is printed; {@code -Dsoak.seed=S} replays the random choices of a run
 * (the machine's timing still varies), as does {@code scripts/soak --seed=S --rounds=5}.
 */
class KillSoakIT {
  private static final int ROUNDS = 5;

  @TempDir Path work;

  @Test
  void acknowledgedWorkSurvivesRoundsOfKillMinusNineAndEveryInstanceEndsWhereTheTableSays()
      throws Exception {
    long seed = Long.getLong("soak.seed", new Random().nextLong());
    KillSoak.Summary summary =
        KillSoak.run(
            new KillSoak.Options(
                ROUNDS, 5, seed, "sqlite", "normal", 4, 1500, 30, Duration.ofSeconds(60), work));
    System.out.println("KillSoakIT: " + summary.text());
    assertThat(summary.failures()).as("failures of the soak with seed %d", seed).isEmpty();
    assertThat(summary.rounds()).as("rounds killed").isEqualTo(ROUNDS);
    assertThat(summary.acknowledged()).as("acknowledged requests").isPositive();
    assertThat(summary.instances()).as("instances checked at the end").isPositive();
  }
}
