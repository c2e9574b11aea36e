package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.JdbcInstanceStore.execute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.domain.Decision;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** {@link EngineStore} in portable SQL over a {@link Database}. */
public final class JdbcEngineStore implements EngineStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CANDIDATE_COLUMNS =
      JdbcInstanceStore.INSTANCE_COLUMNS.replace(
          "FROM instance",
          """
          , run_id, rollback_cause,
          (SELECT v.class_name FROM workflow_version v WHERE v.id = i.version_id) AS class_name,
          (SELECT v.concurrency_limit FROM workflow_version v WHERE v.id = i.version_id)
             AS concurrency_limit,
          (SELECT COUNT(*) FROM instance r WHERE r.account_id = i.account_id
              AND r.workflow_name = i.workflow_name
              AND r.status IN (%s)) AS active_runs
          FROM instance i"""
              .formatted(slotHoldingStatuses()));

  /**
   * Instances of a workflow at its concurrency limit wait, and do not hide the others. It starts
   * with a space: PostgreSQL rejects a parameter followed directly by a word ("?AND").
   */
  private static final String HAS_ROOM =
      " "
          + """
       AND NOT EXISTS (SELECT 1 FROM workflow_version v
                        WHERE v.id = i.version_id AND v.concurrency_limit IS NOT NULL
                          AND v.concurrency_limit <= (SELECT COUNT(*) FROM instance r
                               WHERE r.account_id = i.account_id AND r.workflow_name = i.workflow_name
                                 AND r.status IN (%s)))"""
              .formatted(slotHoldingStatuses());

  /** Waiting instances whose wake time came; uses the (status, wake_at) index. */
  private static final String DUE_BY_TIME =
      CANDIDATE_COLUMNS
          + " WHERE status = 'waiting' AND wake_at <= ?"
          + HAS_ROOM
          + " ORDER BY wake_at LIMIT ?";

  /**
   * Waiting instances whose awaited event arrived; driven from the (small) event table, so its cost
   * does not grow with the number of sleeping instances.
   */
  private static final String DUE_BY_EVENT =
      CANDIDATE_COLUMNS
          + " "
          + """
           WHERE i.seq IN (SELECT e.instance_seq FROM event e) AND status = 'waiting'
             AND waiting_for_event IS NOT NULL AND (wake_at IS NULL OR wake_at > ?)
             AND EXISTS (SELECT 1 FROM event e
                          WHERE e.instance_seq = i.seq AND e.type = i.waiting_for_event)
           """
          + HAS_ROOM
          + " ORDER BY seq LIMIT ?";

  private static final String QUEUED =
      CANDIDATE_COLUMNS
          + " WHERE status = 'queued'"
          + HAS_ROOM
          + " ORDER BY queued_on, seq LIMIT ?";
  private static final String IN_STATUS =
      CANDIDATE_COLUMNS + " WHERE status = ? ORDER BY seq LIMIT ?";
  private static final String NEXT_WAKE =
      "SELECT MIN(wake_at) FROM instance WHERE status = 'waiting' AND wake_at IS NOT NULL";
  private static final String CLAIM =
      """
      UPDATE instance SET status = ?, run_id = run_id + 1, modified_on = ?, status_changed_on = ?,
                          started_on = COALESCE(started_on, ?), wake_at = NULL,
                          waiting_for_event = NULL
       WHERE seq = ? AND status = ? AND run_id = ?""";
  private static final String TAKE_OVER =
      "UPDATE instance SET run_id = run_id + 1 WHERE seq = ? AND status = ? AND run_id = ?";
  private static final String STATUS = "SELECT status FROM instance WHERE seq = ?";
  private static final String RUN_ID = "SELECT run_id FROM instance WHERE seq = ?";
  private static final String STEP_LIMIT =
      """
      SELECT v.step_limit FROM instance i JOIN workflow_version v ON v.id = i.version_id
       WHERE i.seq = ?""";
  private static final String OLDEST_EVENT =
      """
      SELECT id, payload_json, received_on FROM event WHERE instance_seq = ? AND type = ?
       ORDER BY id LIMIT 1""";
  private static final String DELETE_EVENT = "DELETE FROM event WHERE id = ?";
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
             rollback_error_message = COALESCE(?, rollback_error_message)
       WHERE seq = ? AND run_id = ? AND status = ?""";

  private final Database db;
  private final String insertStep;
  private final String updateStep;

  /** The statuses that hold a run slot, as an SQL list; the rule itself is in {@link Status}. */
  private static String slotHoldingStatuses() {
    return inList(
        java.util.Arrays.stream(Status.values())
            .filter(Status::holdsRunSlot)
            .collect(java.util.stream.Collectors.toSet()));
  }

  public JdbcEngineStore(Database db) {
    this.db = db;
    this.insertStep = StepRows.insert(db.dialect());
    this.updateStep = StepRows.update(db.dialect());
  }

  @Override
  public List<Candidate> dueInstances(Instant now, int limit) {
    return db.read(
        c -> {
          List<Candidate> due = candidates(c, DUE_BY_TIME, now, limit);
          if (due.size() < limit) {
            due.addAll(candidates(c, DUE_BY_EVENT, now, limit - due.size()));
          }
          if (due.size() < limit) {
            due.addAll(candidates(c, QUEUED, limit - due.size()));
          }
          return due;
        });
  }

  @Override
  public List<Candidate> instancesIn(Status status, int limit) {
    return db.read(c -> candidates(c, IN_STATUS, WireNames.status(status), limit));
  }

  private static List<Candidate> candidates(Connection c, String sql, Object... values)
      throws SQLException {
    List<Candidate> out = new ArrayList<>();
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new Candidate(
                JdbcInstanceStore.instance(rs),
                rs.getLong("run_id"),
                rs.getString("rollback_cause"),
                rs.getString("class_name"),
                Columns.nullableInt(rs, "concurrency_limit"),
                rs.getInt("active_runs")));
      }
    }
    return out;
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
      long seq, long expectedRunId, Decision.Move move, String actor, Instant at) {
    return db.write(c -> claim(c, seq, expectedRunId, move, actor, at));
  }

  private static Optional<RunLease> claim(
      Connection c, long seq, long expectedRunId, Decision.Move move, String actor, Instant at)
      throws SQLException {
    int updated =
        execute(
            c,
            CLAIM,
            WireNames.status(move.to()),
            at,
            at,
            at,
            seq,
            WireNames.status(move.from()),
            expectedRunId);
    if (updated == 0) {
      return Optional.empty();
    }
    appendHistory(c, seq, move, actor, at);
    return Optional.of(new RunLease(seq, expectedRunId + 1));
  }

  @Override
  public List<Optional<RunLease>> claimAll(List<Claim> claims, String actor, Instant at) {
    // rows are locked in seq order, so that two nodes claiming overlapping batches at once queue
    // behind each other instead of deadlocking; the answer keeps the order of the claims
    Integer[] bySeq = new Integer[claims.size()];
    Arrays.setAll(bySeq, i -> i);
    Arrays.sort(bySeq, Comparator.comparingLong(i -> claims.get(i).candidate().instance().seq()));
    return db.write(
        c -> {
          List<Optional<RunLease>> leases =
              new ArrayList<>(Collections.nCopies(claims.size(), null));
          for (int i : bySeq) {
            Claim claim = claims.get(i);
            leases.set(
                i,
                claim(
                    c,
                    claim.candidate().instance().seq(),
                    claim.candidate().runId(),
                    claim.move(),
                    actor,
                    at));
          }
          return leases;
        });
  }

  @Override
  public Optional<RunLease> takeOver(long seq, long expectedRunId, Status expected) {
    return db.write(
        c ->
            execute(c, TAKE_OVER, seq, WireNames.status(expected), expectedRunId) == 0
                ? Optional.<RunLease>empty()
                : Optional.of(new RunLease(seq, expectedRunId + 1)));
  }

  @Override
  public int deleteExpired(
      Instant now, java.util.Set<Status> succeeded, java.util.Set<Status> failed) {
    String sql =
        "DELETE FROM instance WHERE (status IN ("
            + inList(succeeded)
            + ") AND success_retention_ms IS NOT NULL AND ended_on + success_retention_ms <= ?)"
            + " OR (status IN ("
            + inList(failed)
            + ") AND error_retention_ms IS NOT NULL AND ended_on + error_retention_ms <= ?)";
    return db.write(c -> execute(c, sql, now, now));
  }

  private static String inList(java.util.Set<Status> statuses) {
    return statuses.stream()
        .map(s -> "'" + WireNames.status(s) + "'")
        .collect(java.util.stream.Collectors.joining(", "));
  }

  @Override
  public Optional<Status> status(long seq) {
    return db.read(
        c -> {
          try (PreparedStatement ps = bind(c.prepareStatement(STATUS), seq);
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? WireNames.parseStatus(rs.getString(1)) : Optional.<Status>empty();
          }
        });
  }

  @Override
  public OptionalLong runIdOf(long seq) {
    return db.read(
        c -> {
          try (PreparedStatement ps = bind(c.prepareStatement(RUN_ID), seq);
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
          }
        });
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
    boolean stamp = move.effects().contains(dev.stepflow.domain.Effect.STAMP_PAUSE_START);
    boolean compensate = move.effects().contains(dev.stepflow.domain.Effect.RUN_COMPENSATIONS);
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
