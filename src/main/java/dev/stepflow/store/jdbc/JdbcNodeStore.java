package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.execute;

import dev.stepflow.store.NodeStore;
import dev.stepflow.store.RunLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link NodeStore} in portable SQL over a {@link Database}. */
public final class JdbcNodeStore implements NodeStore {
  /** Leases renewed per statement: well below every driver's limit of bind parameters. */
  private static final int RENEW_CHUNK = 500;

  private static final String HEARTBEAT_OF = "SELECT heartbeat_at FROM node WHERE id = ?";
  private static final String UPSERT_NODE =
      """
      INSERT INTO node (id, started_on, heartbeat_at) VALUES (?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET started_on = excluded.started_on,
                                     heartbeat_at = excluded.heartbeat_at""";
  private static final String HEARTBEAT =
      """
      INSERT INTO node (id, started_on, heartbeat_at) VALUES (?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at""";

  /** %s is the list of seq placeholders; only instances the node still owns are renewed. */
  private static final String RENEW_LEASES =
      """
      UPDATE instance SET lease_until = ? WHERE owner_node = ? AND seq IN (%s)
      RETURNING seq, run_id""";

  private static final String RELEASE_LEASES =
      "UPDATE instance SET owner_node = NULL, lease_until = NULL WHERE status IN (%s)"
          + " AND owner_node = ?";
  private static final String DELETE_NODE = "DELETE FROM node WHERE id = ?";
  private static final String SET_LEASE = "UPDATE node SET lease_ms = ? WHERE id = ?";
  private static final String FORGET_CLASSES = "DELETE FROM node_class WHERE node_id = ?";
  private static final String ADD_CLASS =
      "INSERT INTO node_class (node_id, class_name) VALUES (?, ?)";
  private static final String LIVE_NODE_RUNS =
      """
      SELECT COUNT(*) FROM node_class nc JOIN node n ON n.id = nc.node_id
       WHERE nc.class_name = ? AND n.heartbeat_at + n.lease_ms >= ?""";

  private static final String LIVE_NODES =
      "SELECT COUNT(*) FROM node WHERE heartbeat_at + lease_ms >= ?";

  private final Database db;

  public JdbcNodeStore(Database db) {
    this.db = db;
  }

  @Override
  public Optional<Instant> join(String nodeId, Instant now, Duration leaseTime) {
    return db.write(
        c -> {
          Optional<Instant> alive =
              heartbeatOf(c, nodeId).filter(at -> at.isAfter(now.minus(leaseTime)));
          if (alive.isEmpty()) {
            execute(c, UPSERT_NODE, nodeId, now, now);
          }
          return alive;
        });
  }

  private static Optional<Instant> heartbeatOf(Connection c, String nodeId) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(HEARTBEAT_OF), nodeId);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
    }
  }

  @Override
  public Set<RunLease> renew(
      String nodeId, Collection<RunLease> runs, Instant now, Instant leaseUntil) {
    List<RunLease> all = List.copyOf(runs);
    return db.write(
        c -> {
          execute(c, HEARTBEAT, nodeId, now, now);
          Set<RunLease> held = new HashSet<>();
          for (int from = 0; from < all.size(); from += RENEW_CHUNK) {
            held.addAll(
                renew(
                    c,
                    nodeId,
                    all.subList(from, Math.min(all.size(), from + RENEW_CHUNK)),
                    leaseUntil));
          }
          held.retainAll(all);
          return held;
        });
  }

  /** Renews one chunk; returns (seq, run id) of every instance renewed. */
  private static List<RunLease> renew(
      Connection c, String nodeId, List<RunLease> chunk, Instant leaseUntil) throws SQLException {
    String sql = RENEW_LEASES.formatted(Columns.placeholders(chunk.size()));
    List<Object> values = new ArrayList<>(chunk.size() + 2);
    values.add(leaseUntil);
    values.add(nodeId);
    chunk.forEach(run -> values.add(run.instanceSeq()));
    List<RunLease> renewed = new ArrayList<>();
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values.toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        renewed.add(new RunLease(rs.getLong(1), rs.getLong(2)));
      }
    }
    return renewed;
  }

  @Override
  public void advertise(String nodeId, Duration leaseTime, Collection<String> workflowClasses) {
    db.write(
        c -> {
          execute(c, SET_LEASE, leaseTime.toMillis(), nodeId);
          execute(c, FORGET_CLASSES, nodeId);
          for (String className : workflowClasses) {
            execute(c, ADD_CLASS, nodeId, className);
          }
          return null;
        });
  }

  @Override
  public boolean liveNodeRuns(String className, Instant now) {
    return db.read(c -> Columns.count(c, LIVE_NODE_RUNS, className, now) > 0);
  }

  @Override
  public int liveNodes(Instant now) {
    return db.read(c -> (int) Columns.count(c, LIVE_NODES, now));
  }

  @Override
  public void leave(String nodeId) {
    String release = RELEASE_LEASES.formatted(WireLiterals.slotHolding());
    db.write(
        c -> {
          execute(c, release, nodeId);
          return execute(c, DELETE_NODE, nodeId);
        });
  }
}
