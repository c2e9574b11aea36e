package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;

import dev.stepflow.domain.RollbackCause;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.EngineStore.ClassWanted;
import dev.stepflow.store.EngineStore.Classes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
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

  /**
   * Waiting instances whose wake time came and whose version has no concurrency limit, along the
   * partial index of such sleeping instances (instance_sleeping): none of them waits for room.
   */
  private static final String DUE_BY_TIME =
      candidateColumns("wake_at", HAS_STEPS)
          + " WHERE status = "
          + WireLiterals.quoted(Status.WAITING)
          + " AND concurrency_limited = 0 AND wake_at <= ?%s ORDER BY wake_at LIMIT ?";

  /**
   * One workflow's waiting instances whose wake time came and whose version has a limit, along
   * instance_sleeping_limited.
   */
  private static final String DUE_BY_TIME_LIMITED =
      candidateColumns("wake_at", HAS_STEPS)
          + " WHERE status = "
          + WireLiterals.quoted(Status.WAITING)
          + " AND concurrency_limited = 1 AND account_id = ? AND workflow_name = ? AND wake_at <= ?"
          + HAS_ROOM
          + "%s ORDER BY wake_at LIMIT ?";

  /** The earliest wake time of the waiting instances without a concurrency limit. */
  private static final String NEXT_WAKE =
      "SELECT MIN(wake_at) FROM instance WHERE status = %s AND concurrency_limited = 0"
              .formatted(WireLiterals.quoted(Status.WAITING))
          + " AND wake_at IS NOT NULL";

  private static final Comparator<Candidate> WAKE_ORDER =
      Comparator.comparing(Candidate::timerDue).thenComparingLong(c -> c.instance().seq());

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

  /**
   * Queued instances whose version has no concurrency limit, first in, first out: they always have
   * room, and the index they are read along (instance_queued) holds no instance that would have to
   * be skipped.
   */
  private static final String QUEUED =
      DUE_COLUMNS
          + " WHERE status = "
          + WireLiterals.quoted(Status.QUEUED)
          + " AND concurrency_limited = 0%s ORDER BY queued_on, seq LIMIT ?";

  /**
   * The workflows whose versions have a concurrency limit and that have room (the highest limit of
   * their versions less their runs), with whether they have queued instances of such a version and
   * the earliest wake time of their waiting ones. A workflow without room is not read at all; with
   * room, the reads of its instances still check each one's own limit.
   */
  private static final String LIMITED_WITH_ROOM =
      """
      SELECT account_id, workflow_name, room, has_queued, next_wake FROM (
        SELECT account_id, workflow_name, most - active AS room,
               CASE WHEN EXISTS (SELECT 1 FROM instance q WHERE q.account_id = w.account_id
                                    AND q.workflow_name = w.workflow_name AND q.status = %2$s
                                    AND q.concurrency_limited = 1) THEN 1 ELSE 0 END AS has_queued,
               (SELECT MIN(s.wake_at) FROM instance s WHERE s.account_id = w.account_id
                   AND s.workflow_name = w.workflow_name AND s.status = %3$s
                   AND s.concurrency_limited = 1 AND s.wake_at IS NOT NULL) AS next_wake
          FROM (
            SELECT v.account_id, v.workflow_name, MAX(v.concurrency_limit) AS most,
                   (SELECT COUNT(*) FROM instance r WHERE r.account_id = v.account_id
                       AND r.workflow_name = v.workflow_name AND r.status IN (%1$s)) AS active
              FROM workflow_version v WHERE v.concurrency_limit IS NOT NULL
             GROUP BY v.account_id, v.workflow_name) w
         WHERE most > active) l
       WHERE has_queued = 1 OR next_wake IS NOT NULL"""
          .formatted(
              WireLiterals.slotHolding(),
              WireLiterals.quoted(Status.QUEUED),
              WireLiterals.quoted(Status.WAITING));

  /**
   * One workflow's queued instances whose version has a concurrency limit, first in, first out,
   * along instance_queued_limited.
   */
  private static final String QUEUED_LIMITED =
      DUE_COLUMNS
          + " WHERE status = "
          + WireLiterals.quoted(Status.QUEUED)
          + " AND concurrency_limited = 1 AND account_id = ? AND workflow_name = ?"
          + HAS_ROOM
          + "%s ORDER BY queued_on, seq LIMIT ?";

  private static final Comparator<Candidate> QUEUE_ORDER =
      Comparator.comparing((Candidate candidate) -> candidate.instance().queuedOn())
          .thenComparingLong(candidate -> candidate.instance().seq());

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
    List<WorkflowRoom> limited = limitedWithRoom(c);
    List<Candidate> due = dueByTime(c, now, limit, lock, classes, limited);
    if (due.size() < limit) {
      due.addAll(candidates(c, DUE_BY_EVENT, lock, classes, List.of(now), limit - due.size()));
    }
    if (due.size() < limit) {
      due.addAll(queued(c, limit - due.size(), lock, classes, limited));
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
   * The first {@code limit} waiting instances whose time came, earliest first: those without a
   * concurrency limit, merged with those of each limited workflow that has room.
   */
  private static List<Candidate> dueByTime(
      Connection c,
      Instant now,
      int limit,
      String lock,
      ClassCondition classes,
      List<WorkflowRoom> limited)
      throws SQLException {
    List<Candidate> due = candidates(c, DUE_BY_TIME, lock, classes, List.of(now), limit);
    boolean merged = false;
    for (WorkflowRoom w : limited) {
      if (w.nextWake() != null && !w.nextWake().isAfter(now)) {
        List<Object> where = List.of(w.workflow().accountId(), w.workflow().workflowName(), now);
        due.addAll(
            candidates(c, DUE_BY_TIME_LIMITED, lock, classes, where, Math.min(limit, w.room())));
        merged = true;
      }
    }
    return merged ? first(due, WAKE_ORDER, limit) : due;
  }

  /**
   * The first {@code limit} queued instances that may start, in queue order: those without a
   * concurrency limit, merged with those of each limited workflow that has room.
   */
  private static List<Candidate> queued(
      Connection c, int limit, String lock, ClassCondition classes, List<WorkflowRoom> limited)
      throws SQLException {
    List<Candidate> queued = candidates(c, QUEUED, lock, classes, List.of(), limit);
    boolean merged = false;
    for (WorkflowRoom w : limited) {
      if (w.hasQueued()) {
        List<Object> where = List.of(w.workflow().accountId(), w.workflow().workflowName());
        queued.addAll(
            candidates(c, QUEUED_LIMITED, lock, classes, where, Math.min(limit, w.room())));
        merged = true;
      }
    }
    return merged ? first(queued, QUEUE_ORDER, limit) : queued;
  }

  private static List<Candidate> first(List<Candidate> all, Comparator<Candidate> order, int n) {
    all.sort(order);
    return new ArrayList<>(all.subList(0, Math.min(n, all.size())));
  }

  /**
   * The earliest wake time among waiting instances that could start once it comes: those without a
   * concurrency limit, and those of limited workflows with room. A workflow at its limit is looked
   * at again when one of its runs ends.
   */
  static Optional<Instant> nextWake(Connection c) throws SQLException {
    Instant earliest = Columns.earliest(c, NEXT_WAKE).orElse(null);
    for (WorkflowRoom w : limitedWithRoom(c)) {
      if (w.nextWake() != null && (earliest == null || w.nextWake().isBefore(earliest))) {
        earliest = w.nextWake();
      }
    }
    return Optional.ofNullable(earliest);
  }

  /** The reads of queued and woken instances for any class, without a lock: for the plan tests. */
  static List<String> queuedReads() {
    return List.of(
        QUEUED.formatted(""),
        LIMITED_WITH_ROOM,
        QUEUED_LIMITED.formatted(""),
        DUE_BY_TIME.formatted(""),
        DUE_BY_TIME_LIMITED.formatted(""));
  }

  private record WorkflowRoom(
      WorkflowRef workflow, int room, boolean hasQueued, Instant nextWake) {}

  private static List<WorkflowRoom> limitedWithRoom(Connection c) throws SQLException {
    List<WorkflowRoom> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(LIMITED_WITH_ROOM);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new WorkflowRoom(
                new WorkflowRef(rs.getString("account_id"), rs.getString("workflow_name")),
                (int) Math.min(Integer.MAX_VALUE, rs.getLong("room")),
                rs.getInt("has_queued") == 1,
                Columns.instant(rs, "next_wake")));
      }
    }
    return out;
  }

  /**
   * The workflows whose instances are due, or whose runs or rollbacks have no live node, while
   * their class is none of {@code runnable}: the work a node leaves to nodes that have the class.
   */
  static List<ClassWanted> wanted(Connection c, Instant now, Classes runnable, int limit)
      throws SQLException {
    if (!anyVersionOutside(c, runnable)) {
      // the common case, checked in the small version table: no instance can want a class that no
      // version names, and the queries below would walk every queued and running instance to say so
      return List.of();
    }
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

  /** Whether a version of some workflow names a class other than {@code runnable}'s. */
  private static boolean anyVersionOutside(Connection c, Classes runnable) throws SQLException {
    if (runnable.names().isEmpty()) {
      return true;
    }
    String sql =
        "SELECT 1 FROM workflow_version WHERE class_name NOT IN ("
            + Columns.placeholders(runnable.names().size())
            + ") LIMIT 1";
    try (PreparedStatement ps = bind(c.prepareStatement(sql), runnable.names().toArray());
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
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
