package dev.stepflow.store.jdbc;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.Trigger;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.AppliedMove;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The channels of {@link dev.stepflow.store.ClusterSignals} and their payloads. The JDBC stores
 * send on them inside the write transaction of the change they report (where the dialect has
 * notifications), so that a node hears of a change exactly when it commits.
 */
public final class ClusterChannels {
  /** Work may be due: instances were created or an event was buffered. No payload. */
  public static final String WORK = "stepflow_work";

  /**
   * A move with effects the runtime carries out committed. The payload names the instance, the run
   * it concerns and the table row it took: {@code seq:runId:from:trigger}; the receiver looks the
   * row's effects up in the table. A payload of an older node (the seq alone) is no move: the
   * receiver resyncs.
   */
  public static final String CONTROL = "stepflow_control";

  private ClusterChannels() {}

  static void sendWork(Connection c, SqlDialect dialect) throws SQLException {
    send(c, dialect, WORK, "");
  }

  static void sendMove(Connection c, SqlDialect dialect, AppliedMove applied) throws SQLException {
    Decision.Move move = applied.move();
    send(
        c,
        dialect,
        CONTROL,
        applied.instanceSeq()
            + ":"
            + applied.runId()
            + ":"
            + WireNames.status(move.from())
            + ":"
            + move.trigger().label());
  }

  private static void send(Connection c, SqlDialect dialect, String channel, String payload)
      throws SQLException {
    if (dialect.notifyStatement().isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(dialect.notifyStatement().get())) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.execute();
    }
  }

  /**
   * The move a payload of {@link #CONTROL} names; empty when it names none (a node of another
   * version must not stop this node's listener: the listener resyncs instead).
   */
  public static Optional<AppliedMove> parseMove(String payload) {
    String[] parts = payload.split(":", 4);
    if (parts.length != 4) {
      return Optional.empty();
    }
    try {
      long seq = Long.parseLong(parts[0]);
      long runId = Long.parseLong(parts[1]);
      return WireNames.parseStatus(parts[2])
          .flatMap(
              from ->
                  Trigger.byLabel(parts[3]).map(trigger -> Transitions.TABLE.decide(from, trigger)))
          .filter(Decision.Move.class::isInstance)
          .map(move -> new AppliedMove(seq, runId, (Decision.Move) move));
    } catch (NumberFormatException malformed) {
      return Optional.empty();
    }
  }
}
