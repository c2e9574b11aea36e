package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.execute;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.EngineStore.ClassWanted;
import dev.stepflow.store.EngineStore.Classes;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.EngineStore.Started;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.jdbc.SqlDialect.RowLock;
import java.sql.Connection;
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
  /** A lease that is no obstacle: none, ended, or the claiming node's own. */
  static final String NO_LIVE_LEASE = "(owner_node IS NULL OR lease_until < ? OR owner_node = ?)";

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

  List<Started> claimDue(
      Instant now,
      int limit,
      Owner owner,
      Classes runnable,
      Function<Status, Optional<Decision.Move>> start) {
    ClassCondition classes = ClassCondition.among(runnable);
    if (db.dialect().concurrentWriters()) {
      // read under lock in the claiming transaction: other nodes skip these rows, and each
      // workflow's concurrency is counted under its lock so two nodes cannot both fill its room
      return db.write(
          c -> {
            List<Candidate> due = CandidateQueries.due(c, now, limit, claimLock, classes);
            return claimEach(c, due, roomUnderLock(c, due), owner, start, now);
          });
    }
    // one writer: this dispatcher is the only claimer, so reading before the write is enough and
    // the writer is not held while the due queries run
    List<Candidate> due = db.read(c -> CandidateQueries.due(c, now, limit, "", classes));
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

  List<Candidate> orphans(
      Status status,
      Instant expiredBefore,
      String orOwnedBy,
      Optional<Classes> runnable,
      int limit) {
    ClassCondition classes = runnable.map(ClassCondition::among).orElse(ClassCondition.ANY);
    return db.read(
        c -> CandidateQueries.orphans(c, status, expiredBefore, orOwnedBy, classes, limit));
  }

  List<ClassWanted> wantedClasses(Instant now, Classes runnable, int limit) {
    return db.read(c -> CandidateQueries.wanted(c, now, runnable, limit));
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
}
