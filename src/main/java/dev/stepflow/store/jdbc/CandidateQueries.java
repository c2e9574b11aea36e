package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;

import dev.stepflow.domain.RollbackCause;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.EngineStore.ClassWanted;
import dev.stepflow.store.EngineStore.Classes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The queries that find candidates for a node: due work (waiting instances whose time came or whose
 * event arrived, then queued ones first in, first out) and orphans (runs without a live node), each
 * limited to the workflow classes asked for. Each statement ends in {@code %s} for that class
 * condition before its ORDER BY.
 */
final class CandidateQueries {
  /**
   * An instance with the columns a claim needs, {@code timer_due} being {@code timerDue} (the wake
   * time where the query finds instances by it, else NULL) and {@code may_have_steps} {@code
   * mayHaveSteps}. The workflow's active runs are counted only when it has a concurrency limit, the
   * one thing that reads them: counting them for every candidate makes each claim of a busy
   * workflow read all of its running instances.
   */
  private static String candidateColumns(String timerDue, String mayHaveSteps) {
    return "SELECT "
        + InstanceRows.FIELDS
        + """
        , run_id, rollback_cause, %s AS timer_due, %s AS may_have_steps,
        (SELECT v.class_name FROM workflow_version v WHERE v.id = i.version_id) AS class_name,
        (SELECT v.step_limit FROM workflow_version v WHERE v.id = i.version_id) AS step_limit,
        (SELECT v.concurrency_limit FROM workflow_version v WHERE v.id = i.version_id)
           AS concurrency_limit,
        CASE WHEN (SELECT v.concurrency_limit FROM workflow_version v
                    WHERE v.id = i.version_id) IS NULL THEN 0
             ELSE (SELECT COUNT(*) FROM instance r WHERE r.account_id = i.account_id
                      AND r.workflow_name = i.workflow_name
                      AND r.status IN (%s)) END AS active_runs
        FROM instance i"""
            .formatted(timerDue, mayHaveSteps, WireLiterals.slotHolding());
  }

  /**
   * Whether a due instance has recorded steps: one probe of the step table's key per candidate, in
   * the claim's read, instead of a read of its steps at the start of each run (a fresh instance has
   * none; that read was a tenth of the SQLite engine's CPU).
   */
  private static final String HAS_STEPS =
      "CASE WHEN EXISTS (SELECT 1 FROM step s WHERE s.instance_seq = i.seq) THEN 1 ELSE 0 END";

  /** Due instances: queued, or waiting for a time or an event, which no run holds. */
  private static final String DUE_COLUMNS = candidateColumns("CAST(NULL AS BIGINT)", HAS_STEPS);

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

  /** Waiting instances whose wake time came; uses the partial index of sleeping instances. */
  private static final String DUE_BY_TIME =
      candidateColumns("wake_at", HAS_STEPS)
          + " WHERE status = "
          + WireLiterals.quoted(Status.WAITING)
          + " AND wake_at <= ?"
          + HAS_ROOM
          + "%s ORDER BY wake_at LIMIT ?";

  /**
   * Waiting instances whose awaited event arrived; driven from the (small) event table, so its cost
   * does not grow with the number of sleeping instances.
   */
  private static final String DUE_BY_EVENT =
      DUE_COLUMNS
          + " "
          + """
           WHERE i.seq IN (SELECT e.instance_seq FROM event e) AND status = %s
             AND waiting_for_event IS NOT NULL AND (wake_at IS NULL OR wake_at > ?)
             AND EXISTS (SELECT 1 FROM event e
                          WHERE e.instance_seq = i.seq AND e.type = i.waiting_for_event)
           """
              .formatted(WireLiterals.quoted(Status.WAITING))
          + HAS_ROOM
          + "%s ORDER BY seq LIMIT ?";

  private static final String QUEUED =
      DUE_COLUMNS
          + " WHERE status = "
          + WireLiterals.quoted(Status.QUEUED)
          + HAS_ROOM
          + "%s ORDER BY queued_on, seq LIMIT ?";

  /**
   * Runs whose node is gone. The literal status list is the condition of the partial index of
   * instances held by a run, which the store can use only when the query names it. Such a run may
   * still be recording steps until the takeover fences it, so its steps are always read.
   */
  private static final String ORPHANS =
      candidateColumns("CAST(NULL AS BIGINT)", "1")
          + " WHERE status = ? AND status IN ("
          + WireLiterals.slotHolding()
          + ") AND "
          + InstanceClaims.NO_LIVE_LEASE
          + "%s ORDER BY seq LIMIT ?";

  private CandidateQueries() {}

  /** Due candidates of {@code classes}; read under {@code lock}, a locking clause (or none). */
  static List<Candidate> due(
      Connection c, Instant now, int limit, String lock, ClassCondition classes)
      throws SQLException {
    List<Candidate> due = candidates(c, DUE_BY_TIME, lock, classes, List.of(now), limit);
    if (due.size() < limit) {
      due.addAll(candidates(c, DUE_BY_EVENT, lock, classes, List.of(now), limit - due.size()));
    }
    if (due.size() < limit) {
      due.addAll(candidates(c, QUEUED, lock, classes, List.of(), limit - due.size()));
    }
    return due;
  }

  static List<Candidate> orphans(
      Connection c,
      Status status,
      Instant expiredBefore,
      String orOwnedBy,
      ClassCondition classes,
      int limit)
      throws SQLException {
    if (!status.holdsRunSlot()) {
      throw new IllegalArgumentException("only a run holds an instance in " + status);
    }
    List<Object> values = new ArrayList<>();
    values.add(WireNames.status(status));
    values.add(expiredBefore);
    values.add(orOwnedBy);
    return candidates(c, ORPHANS, "", classes, values, limit);
  }

  /**
   * The workflows whose instances are due, or whose runs or rollbacks have no live node, while
   * their class is none of {@code runnable}: the work a node leaves to nodes that have the class.
   */
  static List<ClassWanted> wanted(Connection c, Instant now, Classes runnable, int limit)
      throws SQLException {
    ClassCondition others = ClassCondition.outside(runnable);
    List<Candidate> found = new ArrayList<>(due(c, now, limit, "", others));
    for (Status status : List.of(Status.RUNNING, Status.ROLLING_BACK)) {
      found.addAll(orphans(c, status, now, null, others, limit));
    }
    Set<ClassWanted> wanted = new LinkedHashSet<>();
    for (Candidate candidate : found) {
      wanted.add(new ClassWanted(candidate.className(), candidate.instance().ref().workflow()));
    }
    return wanted.stream().limit(limit).toList();
  }

  private static List<Candidate> candidates(
      Connection c,
      String template,
      String lock,
      ClassCondition classes,
      List<Object> before,
      int limit)
      throws SQLException {
    List<Object> values = new ArrayList<>(before);
    values.addAll(classes.values());
    values.add(limit);
    String sql = template.formatted(classes.sql()) + lock;
    List<Candidate> out = new ArrayList<>();
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values.toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new Candidate(
                InstanceRows.instance(rs),
                rs.getLong("run_id"),
                rollbackCause(rs.getString("rollback_cause")),
                rs.getString("class_name"),
                rs.getInt("step_limit"),
                Columns.nullableInt(rs, "concurrency_limit"),
                rs.getInt("active_runs"),
                Columns.instant(rs, "timer_due"),
                rs.getInt("may_have_steps") == 1));
      }
    }
    return out;
  }

  private static RollbackCause rollbackCause(String wire) {
    return wire == null ? null : WireNames.parseRollbackCause(wire).orElseThrow();
  }
}
