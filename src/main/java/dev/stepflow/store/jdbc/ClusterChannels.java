package dev.stepflow.store.jdbc;

import dev.stepflow.domain.Effect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The channels of {@link dev.stepflow.store.ClusterSignals} and their payloads. The JDBC stores
 * send on them inside the write transaction of the change they report (where the dialect has
 * notifications), so that a node hears of a change exactly when it commits.
 */
public final class ClusterChannels {
  /** Work may be due: instances were created or an event was buffered. No payload. */
  public static final String WORK = "stepflow_work";

  /** A client's status move committed; payload {@code SEQ:EFFECT,EFFECT}. */
  public static final String CONTROL = "stepflow_control";

  /** A control payload read back: the instance and the effects of its move. */
  public record Control(long instanceSeq, Set<Effect> effects) {}

  private ClusterChannels() {}

  static void sendWork(Connection c, SqlDialect dialect) throws SQLException {
    send(c, dialect, WORK, "");
  }

  static void sendControl(Connection c, SqlDialect dialect, long seq, Set<Effect> effects)
      throws SQLException {
    String names = effects.stream().map(Effect::name).collect(Collectors.joining(","));
    send(c, dialect, CONTROL, seq + ":" + names);
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
   * The control payload's instance and effects; empty when it is not one (a node of another version
   * may name an effect this one does not know, and must not stop this node's listener).
   */
  public static Optional<Control> parseControl(String payload) {
    int colon = payload.indexOf(':');
    if (colon < 1) {
      return Optional.empty();
    }
    try {
      long seq = Long.parseLong(payload.substring(0, colon));
      String names = payload.substring(colon + 1);
      Set<Effect> effects = EnumSet.noneOf(Effect.class);
      if (!names.isEmpty()) {
        Arrays.stream(names.split(",")).map(Effect::valueOf).forEach(effects::add);
      }
      return Optional.of(new Control(seq, effects));
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }
}
