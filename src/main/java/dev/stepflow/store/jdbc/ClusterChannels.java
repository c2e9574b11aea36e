package dev.stepflow.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * The channels of {@link dev.stepflow.store.ClusterSignals} and their payloads. The JDBC stores
 * send on them inside the write transaction of the change they report (where the dialect has
 * notifications), so that a node hears of a change exactly when it commits.
 */
public final class ClusterChannels {
  /** Work may be due: instances were created or an event was buffered. No payload. */
  public static final String WORK = "stepflow_work";

  /** A client's status move committed; the payload is the instance's seq. */
  public static final String CONTROL = "stepflow_control";

  private ClusterChannels() {}

  static void sendWork(Connection c, SqlDialect dialect) throws SQLException {
    send(c, dialect, WORK, "");
  }

  static void sendControl(Connection c, SqlDialect dialect, long instanceSeq) throws SQLException {
    send(c, dialect, CONTROL, Long.toString(instanceSeq));
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
   * The instance seq of a control payload; empty when it is not one (a node of another version must
   * not stop this node's listener).
   */
  public static OptionalLong parseControl(String payload) {
    try {
      return OptionalLong.of(Long.parseLong(payload));
    } catch (NumberFormatException malformed) {
      return OptionalLong.empty();
    }
  }
}
