package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.execute;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.RollbackCause;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.EngineStore.Started;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.jdbc.SqlDialect.RowLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finding and claiming instances for a node: due work (the dispatcher's batches), orphans (runs
 * whose node is gone) and takeovers. A claim is a compare-and-set on status and run id that bumps
 * the run id (fencing any older run) and sets the claiming node's lease in the same write.
 */
final class InstanceClaims {
  /**
   * An instance with the columns a claim needs. The workflow's active runs are counted only when it
   * has a concurrency limit, the one thing that reads them: counting them for every candidate makes
   * each claim of a busy workflow read all of its running instances.
   */
  private static final String CANDIDATE_COLUMNS =
      "SELECT "
          + InstanceRows.FIELDS
          + """
          , run_id, rollback_cause,
          (SELECT v.class_name FROM workflow_version v WHERE v.id = i.version_id) AS class_name,
          (SELECT v.concurrency_limit FROM workflow_version v WHERE v.id = i.version_id)
             AS concurrency_limit,
          CASE WHEN (SELECT v.concurrency_limit FROM workflow_version v
                      WHERE v.id = i.version_id) IS NULL THEN 0
               ELSE (SELECT COUNT(*) FROM instance r WHERE r.account_id = i.account_id
                        AND r.workflow_name = i.workflow_name
                        AND r.status IN (%s)) END AS active_runs
          FROM instance i"""
              .formatted(WireLiterals.slotHolding());

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
              .formatted(WireLiterals.slotHolding());

  /** Waiting instances whose wake time came; uses the (status, wake_at) index. */
  private static final String DUE_BY_TIME =
      CANDIDATE_COLUMNS
          + " WHERE status = "
          + WireLiterals.quoted(Status.WAITING)
          + " AND wake_at <= ?"
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
           WHERE i.seq IN (SELECT e.instance_seq FROM event e) AND status = %s
             AND waiting_for_event IS NOT NULL AND (wake_at IS NULL OR wake_at > ?)
             AND EXISTS (SELECT 1 FROM event e
                          WHERE e.instance_seq = i.seq AND e.type = i.waiting_for_event)
           """
              .formatted(WireLiterals.quoted(Status.WAITING))
          + HAS_ROOM
          + " ORDER BY seq LIMIT ?";

  private static final String QUEUED =
      CANDIDATE_COLUMNS
          + " WHERE status = "
          + WireLiterals.quoted(Status.QUEUED)
          + HAS_ROOM
          + " ORDER BY queued_on, seq LIMIT ?";

  /** A lease that is no obstacle: none, ended, or the claiming node's own. */
  private static final String NO_LIVE_LEASE =
      "(owner_node IS NULL OR lease_until < ? OR owner_node = ?)";

  private static final String ORPHANS =
      CANDIDATE_COLUMNS + " WHERE status = ? AND " + NO_LIVE_LEASE + " ORDER BY seq LIMIT ?";

  private static final String TAKE_OVER =
      "UPDATE instance SET run_id = run_id + 1, owner_node = ?, lease_until = ?"
          + " WHERE seq = ? AND status = ? AND run_id = ? AND "
          + NO_LIVE_LEASE;

  private static final String COUNT_ACTIVE =
      "SELECT COUNT(*) FROM instance WHERE account_id = ? AND workflow_name = ? AND status IN (%s)"
          .formatted(WireLiterals.slotHolding());

  private final Database db;
  private final String claimLock;
  private final String lockWorkflow;

  InstanceClaims(Database db) {
    this.db = db;
    this.claimLock = db.dialect().claimLock();
    this.lockWorkflow =
        "SELECT 1 FROM workflow WHERE account_id = ? AND name = ?"
            + db.dialect().lock(RowLock.UPDATE);
  }

  /** The due instances as they are, whoever may be claiming them. */
  private List<Candidate> dueInstances(Instant now, int limit) {
    return db.read(c -> due(c, now, limit, ""));
  }

  /** Due candidates; read under {@code lock}, the SELECT's locking clause (or none). */
  private static List<Candidate> due(Connection c, Instant now, int limit, String lock)
      throws SQLException {
    List<Candidate> due = candidates(c, DUE_BY_TIME + lock, now, limit);
    if (due.size() < limit) {
      due.addAll(candidates(c, DUE_BY_EVENT + lock, now, limit - due.size()));
    }
    if (due.size() < limit) {
      due.addAll(candidates(c, QUEUED + lock, limit - due.size()));
    }
    return due;
  }

  List<Started> claimDue(
      Instant now, int limit, Owner owner, Function<Status, Optional<Decision.Move>> start) {
    if (db.dialect().concurrentWriters()) {
      // read under lock in the claiming transaction: other nodes skip these rows, and each
      // workflow's concurrency is counted under its lock so two nodes cannot both fill its room
      return db.write(
          c -> {
            List<Candidate> due = due(c, now, limit, claimLock);
            return claimEach(c, due, roomUnderLock(c, due), owner, start, now);
          });
    }
    // one writer: this dispatcher is the only claimer, so reading before the write is enough and
    // the writer is not held while the due queries run
    List<Candidate> due = dueInstances(now, limit);
    if (due.isEmpty()) {
      return List.of();
    }
    return db.write(c -> claimEach(c, due, new HashMap<>(), owner, start, now));
  }

  /**
   * The room of each workflow with a concurrency limit among {@code due}, counted while holding the
   * workflow's row lock (taken in name order, so claimers never deadlock on them).
   */
  private Map<WorkflowRef, Integer> roomUnderLock(Connection c, List<Candidate> due)
      throws SQLException {
    Map<WorkflowRef, Integer> limits = new HashMap<>();
    for (Candidate candidate : due) {
      if (candidate.concurrencyLimit() != null) {
        limits.put(candidate.instance().ref().workflow(), candidate.concurrencyLimit());
      }
    }
    List<WorkflowRef> order = new ArrayList<>(limits.keySet());
    order.sort(
        Comparator.comparing(WorkflowRef::accountId).thenComparing(WorkflowRef::workflowName));
    Map<WorkflowRef, Integer> room = new HashMap<>();
    for (WorkflowRef workflow : order) {
      Columns.count(c, lockWorkflow, workflow.accountId(), workflow.workflowName());
      long active = Columns.count(c, COUNT_ACTIVE, workflow.accountId(), workflow.workflowName());
      room.put(workflow, (int) Math.max(0, limits.get(workflow) - active));
    }
    return room;
  }

  /** Claims the candidates in order while their workflow has room ({@code room}, else theirs). */
  private List<Started> claimEach(
      Connection c,
      List<Candidate> due,
      Map<WorkflowRef, Integer> room,
      Owner owner,
      Function<Status, Optional<Decision.Move>> start,
      Instant now)
      throws SQLException {
    List<Started> started = new ArrayList<>();
    for (Candidate candidate : due) {
      WorkflowRef workflow = candidate.instance().ref().workflow();
      int left = room.computeIfAbsent(workflow, w -> candidate.room());
      Optional<Decision.Move> move = start.apply(candidate.instance().status());
      if (left <= 0 || move.isEmpty()) {
        continue;
      }
      Optional<RunLease> lease =
          claim(
              c,
              db.dialect(),
              candidate.instance().seq(),
              candidate.runId(),
              move.get(),
              owner,
              now,
              JdbcEngineStore.ENGINE,
              now);
      if (lease.isPresent()) {
        started.add(new Started(candidate, lease.get()));
        room.put(workflow, left - 1);
      }
    }
    return started;
  }

  List<Candidate> orphans(Status status, Instant expiredBefore, String orOwnedBy, int limit) {
    return db.read(
        c -> candidates(c, ORPHANS, WireNames.status(status), expiredBefore, orOwnedBy, limit));
  }

  Optional<RunLease> claim(
      long seq,
      long expectedRunId,
      Decision.Move move,
      Owner owner,
      Instant expiredBefore,
      String actor,
      Instant at) {
    return db.write(
        c -> claim(c, db.dialect(), seq, expectedRunId, move, owner, expiredBefore, actor, at));
  }

  /**
   * The claim's move, if the instance is still in its from-status and run and no other node holds a
   * live lease on it; the claim fences the run it takes over with a new run id.
   */
  private static Optional<RunLease> claim(
      Connection c,
      SqlDialect dialect,
      long seq,
      long expectedRunId,
      Decision.Move move,
      Owner owner,
      Instant expiredBefore,
      String actor,
      Instant at)
      throws SQLException {
    boolean claimed =
        MoveWrite.of(seq, expectedRunId, move, at)
            .claimedBy(owner)
            .unlessLeasedByAnotherNode(owner.nodeId(), expiredBefore)
            .apply(c, dialect, actor);
    return claimed ? Optional.of(new RunLease(seq, expectedRunId + 1)) : Optional.empty();
  }

  Optional<RunLease> takeOver(
      long seq, long expectedRunId, Status expected, Owner owner, Instant expiredBefore) {
    return db.write(
        c ->
            execute(
                        c,
                        TAKE_OVER,
                        owner.nodeId(),
                        owner.leaseUntil(),
                        seq,
                        WireNames.status(expected),
                        expectedRunId,
                        expiredBefore,
                        owner.nodeId())
                    == 0
                ? Optional.<RunLease>empty()
                : Optional.of(new RunLease(seq, expectedRunId + 1)));
  }

  private static List<Candidate> candidates(Connection c, String sql, Object... values)
      throws SQLException {
    List<Candidate> out = new ArrayList<>();
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new Candidate(
                InstanceRows.instance(rs),
                rs.getLong("run_id"),
                rollbackCause(rs.getString("rollback_cause")),
                rs.getString("class_name"),
                Columns.nullableInt(rs, "concurrency_limit"),
                rs.getInt("active_runs")));
      }
    }
    return out;
  }

  private static RollbackCause rollbackCause(String wire) {
    return wire == null ? null : WireNames.parseRollbackCause(wire).orElseThrow();
  }
}
