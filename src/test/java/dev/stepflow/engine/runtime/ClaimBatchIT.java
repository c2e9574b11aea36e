package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.app.Config;
import dev.stepflow.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many timers due at one instant are claimed in passes of at most {@link Engine#CLAIM_BATCH}, one
 * right after the other, and every one of them wakes: the first runs start while later passes still
 * claim, instead of after one claim of everything that is due.
 */
class ClaimBatchIT {
  @RegisterExtension
  static final TestServer server =
      TestServer.withMaxRunning(2_000).withCreationRates(Config.CreationRates.UNLIMITED);

  private static final String WF = "/client/v4/accounts/batches/workflows/naps";
  private static final int TIMERS = 2 * Engine.CLAIM_BATCH + 50;

  @Test
  void timersDueTogetherAreClaimedInBatchesAndAllWake() throws SQLException {
    // far enough ahead for every instance to be asleep first
    Instant due = Instant.now().plusSeconds(8);
    server
        .client()
        .createScriptedInstances(
            WF,
            TIMERS,
            "{\"steps\":[{\"sleepUntil\":\"nap\",\"at\":\"" + due + "\"},{\"do\":\"after\"}]}");
    assertThat(Instant.now()).as("the timers were set before they came due").isBefore(due);

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> completed() == TIMERS);

    List<Integer> passes = wakesPerClaimInstant();
    assertThat(passes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(TIMERS);
    assertThat(passes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(Engine.CLAIM_BATCH));
    assertThat(passes).hasSizeGreaterThanOrEqualTo(3);
  }

  private static long completed() throws SQLException {
    try (Connection c = database();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM instance WHERE status = 'complete'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * How many instances each claim woke: a claim pass writes every wake of its batch at its one
   * instant, so instants group the wakes by pass.
   */
  private static List<Integer> wakesPerClaimInstant() throws SQLException {
    List<Integer> passes = new ArrayList<>();
    try (Connection c = database();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT at, COUNT(*) FROM status_change"
                    + " WHERE from_status = 'waiting' AND to_status = 'running'"
                    + " GROUP BY at ORDER BY at")) {
      while (rs.next()) {
        passes.add(rs.getInt(2));
      }
    }
    return passes;
  }

  private static Connection database() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:sqlite:" + server.dataDir().resolve("stepflow.db") + "?open_mode=1");
  }
}
