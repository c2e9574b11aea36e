package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * How the status moves of the single writer's open transaction change {@code instance_count}, added
 * up in memory and written just before the transaction commits: one upsert per workflow and status
 * for a whole batch of writes, where a trigger wrote two statements per move (SQLite's V15 says
 * what that cost). The moves and their counts commit together or not at all.
 *
 * <p>The writer binds its one instance to the thread that runs a batch (its own, or a caller's
 * writing alone), so that {@link MoveWrite} finds it without every write passing it along. A move
 * made with none bound is a write that bypassed the writer: it fails rather than leave the counts
 * wrong.
 */
final class CountDeltas {
  private static final ThreadLocal<CountDeltas> BOUND = new ThreadLocal<>();

  private static final String ADD =
      """
      INSERT INTO instance_count (account_id, workflow_name, status, n) VALUES (?, ?, ?, ?)
      ON CONFLICT (account_id, workflow_name, status) DO UPDATE SET n = n + excluded.n""";

  /** One kept count: a workflow's instances in one status. */
  record Key(String accountId, String workflowName, String status) {}

  private final Map<Key, Long> deltas = new HashMap<>();

  /** The deltas bound to this thread's write transaction. */
  static CountDeltas bound() {
    CountDeltas bound = BOUND.get();
    if (bound == null) {
      throw new IllegalStateException(
          "a status move on this store must run in the single writer's transaction");
    }
    return bound;
  }

  /**
   * Makes these the deltas of the calling thread's transaction until {@link
   * #unbindFromThisThread()}.
   */
  void bindToThisThread() {
    BOUND.set(this);
  }

  void unbindFromThisThread() {
    BOUND.remove();
  }

  /** An instance of the workflow moved from status {@code from} to {@code to} (wire names). */
  void moved(String accountId, String workflowName, String from, String to) {
    deltas.merge(new Key(accountId, workflowName, from), -1L, Long::sum);
    deltas.merge(new Key(accountId, workflowName, to), 1L, Long::sum);
  }

  /** What has been added up so far, to go back to should the next write be undone. */
  Map<Key, Long> mark() {
    return Map.copyOf(deltas);
  }

  /** Forgets what was added since {@code mark}: the write that added it was rolled back. */
  void resetTo(Map<Key, Long> mark) {
    deltas.clear();
    deltas.putAll(mark);
  }

  /** Forgets everything: the transaction was rolled back. */
  void discard() {
    deltas.clear();
  }

  /** Writes the counts that changed into the transaction on {@code c}, and starts over. */
  void writeTo(Connection c) throws SQLException {
    try {
      for (Map.Entry<Key, Long> delta : deltas.entrySet()) {
        if (delta.getValue() != 0) {
          Key key = delta.getKey();
          try (PreparedStatement ps =
              bind(
                  c.prepareStatement(ADD),
                  key.accountId(),
                  key.workflowName(),
                  key.status(),
                  delta.getValue())) {
            ps.executeUpdate();
          }
        }
      }
    } finally {
      deltas.clear();
    }
  }
}
