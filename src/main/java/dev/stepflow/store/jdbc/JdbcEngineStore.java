package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.JdbcInstanceStore.execute;
import static java.util.stream.Collectors.toSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Effect;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRow;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.RunUpdate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@link EngineStore} in portable SQL over a {@link Database}. Claims and takeovers are {@link
 * InstanceClaims}; this class keeps the run's own writes (steps, events, status), each fenced by
 * the run's lease.
 */
public final class JdbcEngineStore implements EngineStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Lock key of the retention sweep, so that one node at a time deletes expired instances. */
  private static final long RETENTION_LOCK = 0x5f1e_7e7e_0001L;

  /** Lock key of folding instance count deltas, so that one node at a time folds them. */
  private static final long COUNT_FOLD_LOCK = 0x5f1e_7e7e_0002L;

  /** The most count deltas one fold moves, so that its transaction stays short. */
  private static final int COUNT_FOLD_BATCH = 10_000;

  private static final int STATES_CHUNK = 500;

  private static final String NEXT_WAKE =
      "SELECT MIN(wake_at) FROM instance WHERE status = 'waiting' AND wake_at IS NOT NULL";
  private static final String RUN_STATES =
      "SELECT seq, status, run_id FROM instance WHERE seq IN (%s)";
  private static final String STEP_LIMIT =
      """
      SELECT v.step_limit FROM instance i JOIN workflow_version v ON v.id = i.version_id
       WHERE i.seq = ?""";
  private static final String OLDEST_EVENT =
      """
      SELECT id, payload_json, received_on FROM event WHERE instance_seq = ? AND type = ?
       ORDER BY id LIMIT 1""";
  private static final String DELETE_EVENT = "DELETE FROM event WHERE id = ?";

  /** The run's lease is dropped with a move to a status that holds no run slot. */
  private static final String MOVE_RUN =
      """
      UPDATE instance SET status = ?, modified_on = ?, status_changed_on = ?,
             ended_on = CASE WHEN ? THEN ? ELSE ended_on END,
             output_json = COALESCE(?, output_json), error_name = COALESCE(?, error_name),
             error_message = COALESCE(?, error_message), wake_at = ?, waiting_for_event = ?,
             paused_at = CASE WHEN ? THEN ? ELSE paused_at END,
             rollback_cause = CASE WHEN ? THEN ? ELSE rollback_cause END,
             rollback_outcome = COALESCE(?, rollback_outcome),
             rollback_error_name = COALESCE(?, rollback_error_name),
             rollback_error_message = COALESCE(?, rollback_error_message),
             owner_node = CASE WHEN ? THEN owner_node ELSE NULL END,
             lease_until = CASE WHEN ? THEN lease_until ELSE NULL END
       WHERE seq = ? AND run_id = ? AND status = ?""";

  private final Database db;
  private final InstanceClaims claims;
  private final String insertStep;
  private final String updateStep;

  /** The statuses that hold a run slot, as an SQL list; the rule itself is in {@link Status}. */
  static String slotHoldingStatuses() {
    return inList(Arrays.stream(Status.values()).filter(Status::holdsRunSlot).collect(toSet()));
  }

  public JdbcEngineStore(Database db) {
    this.db = db;
    this.claims = new InstanceClaims(db);
    this.insertStep = StepRows.insert(db.dialect());
    this.updateStep = StepRows.update(db.dialect());
  }

  @Override
  public List<Candidate> dueInstances(Instant now, int limit) {
    return claims.dueInstances(now, limit);
  }

  @Override
  public List<Started> claimDue(
      Instant now, int limit, Owner owner, Function<Status, Optional<Decision.Move>> start) {
    return claims.claimDue(now, limit, owner, start);
  }

  @Override
  public List<Candidate> orphans(
      Status status, Instant expiredBefore, String orOwnedBy, int limit) {
    return claims.orphans(status, expiredBefore, orOwnedBy, limit);
  }

  @Override
  public Optional<Instant> nextWake() {
    return db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(NEXT_WAKE);
              ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              long millis = rs.getLong(1);
              return rs.wasNull()
                  ? Optional.<Instant>empty()
                  : Optional.of(Instant.ofEpochMilli(millis));
            }
            return Optional.<Instant>empty();
          }
        });
  }

  @Override
  public Optional<RunLease> claim(
      long seq,
      long expectedRunId,
      Decision.Move move,
      Owner owner,
      Instant expiredBefore,
      String actor,
      Instant at) {
    return claims.claim(seq, expectedRunId, move, owner, expiredBefore, actor, at);
  }

  @Override
  public Optional<RunLease> takeOver(
      long seq, long expectedRunId, Status expected, Owner owner, Instant expiredBefore) {
    return claims.takeOver(seq, expectedRunId, expected, owner, expiredBefore);
  }

  @Override
  public int deleteExpired(Instant now, Set<Status> succeeded, Set<Status> failed) {
    String sql =
        "DELETE FROM instance WHERE (status IN ("
            + inList(succeeded)
            + ") AND success_retention_ms IS NOT NULL AND ended_on + success_retention_ms <= ?)"
            + " OR (status IN ("
            + inList(failed)
            + ") AND error_retention_ms IS NOT NULL AND ended_on + error_retention_ms <= ?)";
    return executeByOneNode(RETENTION_LOCK, sql, now, now);
  }

  @Override
  public int foldInstanceCounts() {
    Optional<String> fold = db.dialect().foldCountDeltas();
    if (fold.isEmpty()) {
      return 0;
    }
    return executeByOneNode(COUNT_FOLD_LOCK, fold.get(), COUNT_FOLD_BATCH);
  }

  /**
   * Housekeeping that one node at a time does: where several nodes share the store, the one that
   * gets the lock {@code key} runs {@code sql}, the others return 0 at once rather than queue
   * behind it to do the same work.
   */
  private int executeByOneNode(long key, String sql, Object... values) {
    Optional<String> tryLock = db.dialect().tryTransactionLock();
    return db.write(
        c -> {
          if (tryLock.isPresent() && !lockTaken(c, tryLock.get(), key)) {
            return 0;
          }
          return execute(c, sql, values);
        });
  }

  private static boolean lockTaken(Connection c, String tryLock, long key) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(tryLock), key);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static String inList(Set<Status> statuses) {
    return statuses.stream()
        .map(s -> "'" + WireNames.status(s) + "'")
        .collect(Collectors.joining(", "));
  }

  @Override
  public Optional<RunState> runState(long seq) {
    return Optional.ofNullable(runStates(List.of(seq)).get(seq));
  }

  @Override
  public Map<Long, RunState> runStates(Collection<Long> seqs) {
    List<Long> all = List.copyOf(seqs);
    if (all.isEmpty()) {
      return Map.of();
    }
    return db.read(
        c -> {
          Map<Long, RunState> states = new HashMap<>();
          for (int from = 0; from < all.size(); from += STATES_CHUNK) {
            readStates(c, all.subList(from, Math.min(all.size(), from + STATES_CHUNK)), states);
          }
          return states;
        });
  }

  private static void readStates(Connection c, List<Long> chunk, Map<Long, RunState> into)
      throws SQLException {
    String sql = RUN_STATES.formatted(String.join(", ", Collections.nCopies(chunk.size(), "?")));
    try (PreparedStatement ps = bind(c.prepareStatement(sql), chunk.toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Status status = WireNames.parseStatus(rs.getString(2)).orElseThrow();
        into.put(rs.getLong(1), new RunState(status, rs.getLong(3)));
      }
    }
  }

  @Override
  public List<StepRow> steps(long seq) {
    return db.read(c -> StepRows.list(c, StepRows.OF_INSTANCE, seq));
  }

  @Override
  public int stepLimit(long seq) {
    return db.read(c -> (int) Columns.count(c, STEP_LIMIT, seq));
  }

  @Override
  public boolean insertStep(RunLease lease, StepRow row) {
    return db.write(
        c ->
            execute(c, insertStep, StepRows.insertValues(row, lease.instanceSeq(), lease.runId()))
                == 1);
  }

  @Override
  public boolean updateStep(RunLease lease, StepRow row) {
    return db.write(
        c ->
            execute(c, updateStep, StepRows.updateValues(row, lease.instanceSeq(), lease.runId()))
                == 1);
  }

  @Override
  public Optional<StepRow> consumeEvent(RunLease lease, StepRow waitStep, Instant now) {
    return db.write(
        c -> {
          long eventId;
          ObjectNode output = JSON.createObjectNode();
          try (PreparedStatement ps =
                  bind(
                      c.prepareStatement(OLDEST_EVENT), lease.instanceSeq(), waitStep.eventType());
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return Optional.<StepRow>empty();
            }
            eventId = rs.getLong("id");
            String payload = rs.getString("payload_json");
            output.put("type", waitStep.eventType());
            output.set("payload", payload == null ? null : JSON.readTree(payload));
            output.put("timestamp", Instant.ofEpochMilli(rs.getLong("received_on")).toString());
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("stored event payload is not JSON", e);
          }
          StepRow done = waitStep.finished("complete", now, output.toString(), null, null, null);
          if (execute(
                  c, updateStep, StepRows.updateValues(done, lease.instanceSeq(), lease.runId()))
              == 0) {
            return Optional.<StepRow>empty();
          }
          execute(c, DELETE_EVENT, eventId);
          return Optional.of(done);
        });
  }

  @Override
  public boolean moveRun(RunLease lease, Decision.Move move, RunUpdate u, Instant at) {
    boolean stamp = move.effects().contains(Effect.STAMP_PAUSE_START);
    boolean compensate = move.effects().contains(Effect.RUN_COMPENSATIONS);
    return db.write(
        c -> {
          int updated =
              execute(
                  c,
                  MOVE_RUN,
                  WireNames.status(move.to()),
                  at,
                  at,
                  move.to().isTerminal(),
                  at,
                  u.outputJson(),
                  u.errorName(),
                  u.errorMessage(),
                  u.wakeAt(),
                  u.waitingForEvent(),
                  stamp,
                  at,
                  compensate,
                  move.trigger().label(),
                  u.rollbackOutcome(),
                  u.rollbackErrorName(),
                  u.rollbackErrorMessage(),
                  move.to().holdsRunSlot(),
                  move.to().holdsRunSlot(),
                  lease.instanceSeq(),
                  lease.runId(),
                  WireNames.status(move.from()));
          if (updated == 0) {
            return false;
          }
          appendHistory(c, lease.instanceSeq(), move, "engine", at);
          return true;
        });
  }

  private static void appendHistory(
      Connection c, long seq, Decision.Move move, String actor, Instant at) throws SQLException {
    JdbcInstanceStore.appendStatusChange(
        c, seq, move.from(), move.to(), move.trigger().label(), actor, at);
  }
}
