package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.execute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.WireNames;
import dev.stepflow.json.JsonBuffers;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.RunUpdate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link EngineStore} in portable SQL over a {@link Database}. Claims and takeovers are {@link
 * InstanceClaims}; this class keeps the run's own writes (steps, events, status), each fenced by
 * the run's lease.
 */
public final class JdbcEngineStore implements EngineStore {
  private static final ObjectMapper JSON = new ObjectMapper(JsonBuffers.pooledFactory());

  /** Lock key of the retention sweep, so that one node at a time deletes expired instances. */
  private static final long RETENTION_LOCK = 0x5f1e_7e7e_0001L;

  /** Lock key of folding instance count deltas, so that one node at a time folds them. */
  private static final long COUNT_FOLD_LOCK = 0x5f1e_7e7e_0002L;

  /** The most count deltas one fold moves, so that its transaction stays short. */
  private static final int COUNT_FOLD_BATCH = 10_000;

  private static final int STATES_CHUNK = 500;

  /** The actor of the moves the engine makes, in status history. */
  static final String ENGINE = "engine";

  /**
   * The earlier of the two indexes of queued instances (without and with a concurrency limit): one
   * step into the first, a scan of the second's entries only.
   */
  private static final String OLDEST_QUEUED =
      ("SELECT MIN(oldest) FROM (SELECT MIN(queued_on) AS oldest FROM instance"
              + " WHERE status = %1$s AND concurrency_limited = 0"
              + " UNION ALL SELECT MIN(queued_on) FROM instance"
              + " WHERE status = %1$s AND concurrency_limited = 1) q")
          .formatted(WireLiterals.quoted(Status.QUEUED));

  /** Counted in each of the two indexes of sleeping instances (used once, at start-up). */
  private static final String DUE_TIMERS =
      ("SELECT (SELECT COUNT(*) FROM instance WHERE status = %1$s AND concurrency_limited = 0"
              + " AND wake_at <= ?) + (SELECT COUNT(*) FROM instance WHERE status = %1$s"
              + " AND concurrency_limited = 1 AND wake_at <= ?)")
          .formatted(WireLiterals.quoted(Status.WAITING));

  /**
   * Lookups each in one partial index, whose condition the query names so that the store can use
   * it: queued (without and with a concurrency limit), held by a run, waiting and due (the same
   * two).
   */
  private static final String PENDING_WORK =
      ("SELECT CASE WHEN EXISTS (SELECT 1 FROM instance WHERE status = %1$s"
              + " AND concurrency_limited = 0)"
              + " OR EXISTS (SELECT 1 FROM instance WHERE status = %1$s"
              + " AND concurrency_limited = 1)"
              + " OR EXISTS (SELECT 1 FROM instance WHERE status IN (%2$s))"
              + " OR EXISTS (%3$s AND concurrency_limited = 0)"
              + " OR EXISTS (%3$s AND concurrency_limited = 1)"
              + " THEN 1 ELSE 0 END")
          .formatted(
              WireLiterals.quoted(Status.QUEUED),
              WireLiterals.slotHolding(),
              "SELECT 1 FROM instance i WHERE status = "
                  + WireLiterals.quoted(Status.WAITING)
                  + " AND (wake_at <= ? OR (waiting_for_event IS NOT NULL AND EXISTS (SELECT 1"
                  + " FROM event e WHERE e.instance_seq = i.seq AND e.type = i.waiting_for_event)))");

  private static final String RUN_STATES =
      "SELECT seq, status, run_id FROM instance WHERE seq IN (%s)";
  private static final String OLDEST_EVENT =
      """
      SELECT id, payload_json, received_on FROM event WHERE instance_seq = ? AND type = ?
       ORDER BY id LIMIT 1""";
  private static final String DELETE_EVENT = "DELETE FROM event WHERE id = ?";
  private static final String FAILURE_POLICY =
      """
      SELECT COALESCE(i.on_failure, v.on_failure) FROM instance i
        JOIN workflow_version v ON v.id = i.version_id WHERE i.seq = ?""";

  private final Database db;
  private final InstanceClaims claims;
  private final StepRows.Fenced insertStep;
  private final StepRows.Fenced startStep;
  private final StepRows.Fenced updateStep;

  public JdbcEngineStore(Database db) {
    this.db = db;
    this.claims = new InstanceClaims(db);
    this.insertStep = StepRows.insert(db.dialect());
    this.startStep = StepRows.start(db.dialect());
    this.updateStep = StepRows.update(db.dialect());
  }

  @Override
  public List<Started> claimDue(
      Instant now,
      int limit,
      Owner owner,
      Classes runnable,
      Function<Status, Optional<Decision.Move>> start) {
    return claims.claimDue(now, limit, owner, runnable, start);
  }

  @Override
  public List<Candidate> orphans(
      Status status,
      Instant expiredBefore,
      String orOwnedBy,
      Optional<Classes> runnable,
      int limit) {
    return claims.orphans(status, expiredBefore, orOwnedBy, runnable, limit);
  }

  @Override
  public List<ClassWanted> wantedClasses(Instant now, Classes runnable, int limit) {
    return claims.wantedClasses(now, runnable, limit);
  }

  @Override
  public int dueTimers(Instant now) {
    return db.read(c -> (int) Columns.count(c, DUE_TIMERS, now, now));
  }

  @Override
  public boolean hasPendingWork(Instant now) {
    return db.read(c -> Columns.count(c, PENDING_WORK, now, now) > 0);
  }

  @Override
  public Optional<Instant> nextWake() {
    return db.read(CandidateQueries::nextWake);
  }

  @Override
  public Optional<Instant> oldestQueued() {
    return db.read(c -> Columns.earliest(c, OLDEST_QUEUED));
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
    return executeByOneNode(RETENTION_LOCK, expiryDeletes(succeeded, failed), now);
  }

  /**
   * The retention sweep's deletes, each with one parameter (now): instances of {@code succeeded}
   * past their success retention, and of {@code failed} past their error retention.
   */
  static List<String> expiryDeletes(Set<Status> succeeded, Set<Status> failed) {
    return List.of(
        expired(succeeded, "success_retention_ms"), expired(failed, "error_retention_ms"));
  }

  /**
   * The delete of the instances of {@code statuses} whose {@code retention} (a column) ran out by
   * its one parameter. Its condition is, literally, that of the partial index by expiry of
   * migration V16 (statuses in the enum's order, as there), so that the store searches the expired
   * instances in it rather than reading every ended instance and its row.
   */
  private static String expired(Set<Status> statuses, String retention) {
    return "DELETE FROM instance WHERE status IN (%s) AND %s IS NOT NULL AND ended_on + %s <= ?"
        .formatted(WireLiterals.quoted(EnumSet.copyOf(statuses)), retention, retention);
  }

  @Override
  public int foldInstanceCounts() {
    Optional<String> fold = db.dialect().foldCountDeltas();
    if (fold.isEmpty()) {
      return 0;
    }
    return executeByOneNode(COUNT_FOLD_LOCK, List.of(fold.get()), COUNT_FOLD_BATCH);
  }

  /**
   * Housekeeping that one node at a time does: where several nodes share the store, the one that
   * gets the lock {@code key} runs the {@code statements}, each with {@code values}, in one
   * transaction and returns the rows they changed; the others return 0 at once rather than queue
   * behind it to do the same work.
   */
  private int executeByOneNode(long key, List<String> statements, Object... values) {
    Optional<String> tryLock = db.dialect().tryTransactionLock();
    return db.write(
        c -> {
          if (tryLock.isPresent() && !lockTaken(c, tryLock.get(), key)) {
            return 0;
          }
          int changed = 0;
          for (String sql : statements) {
            changed += execute(c, sql, values);
          }
          return changed;
        });
  }

  private static boolean lockTaken(Connection c, String tryLock, long key) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(tryLock), key);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  @Override
  public Optional<RunState> runState(long seq) {
    return db.read(c -> stateOf(c, seq));
  }

  private static Optional<RunState> stateOf(Connection c, long seq) throws SQLException {
    Map<Long, RunState> found = new HashMap<>();
    readStates(c, List.of(seq), found);
    return Optional.ofNullable(found.get(seq));
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
    String sql = RUN_STATES.formatted(Columns.placeholders(chunk.size()));
    try (PreparedStatement ps = bind(c.prepareStatement(sql), chunk.toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Status status = WireNames.parseStatus(rs.getString(2)).orElseThrow();
        into.put(rs.getLong(1), new RunState(status, rs.getLong(3)));
      }
    }
  }

  @Override
  public List<StepRecord> steps(long seq) {
    return db.read(c -> StepRows.list(c, StepRows.OF_INSTANCE, seq));
  }

  @Override
  public Map<Long, List<StepRecord>> steps(List<Long> instanceSeqs) {
    return db.read(c -> StepRows.ofInstances(c, instanceSeqs));
  }

  @Override
  public boolean insertStep(RunLease lease, List<StepRecord> finished, StepRecord row) {
    return db.write(
        c ->
            record(c, lease, finished)
                && StepRows.insert(c, insertStep, row, lease.instanceSeq(), lease.runId()));
  }

  @Override
  public StepStart startStep(RunLease lease, List<StepRecord> finished, StepRecord row) {
    return db.write(
        c -> {
          if (!record(c, lease, finished)) {
            return new StepStart.Fenced();
          }
          if (StepRows.insert(c, startStep, row, lease.instanceSeq(), lease.runId())) {
            return new StepStart.Started();
          }
          return stateOf(c, lease.instanceSeq())
              .filter(state -> state.runId() == lease.runId())
              .<StepStart>map(state -> new StepStart.Held(state.status()))
              .orElse(new StepStart.Fenced());
        });
  }

  @Override
  public boolean updateStep(RunLease lease, List<StepRecord> finished, StepRecord row) {
    return db.write(
        c ->
            record(c, lease, finished)
                && StepRows.update(c, updateStep, row, lease.instanceSeq(), lease.runId()));
  }

  /** Records steps of the run that finished without a write of their own; false when fenced. */
  private boolean record(Connection c, RunLease lease, List<StepRecord> finished)
      throws SQLException {
    for (StepRecord row : finished) {
      if (!StepRows.update(c, updateStep, row, lease.instanceSeq(), lease.runId())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Optional<StepRecord> consumeEvent(RunLease lease, StepRecord waitStep, Instant now) {
    return db.write(
        c -> {
          long eventId;
          ObjectNode output = JSON.createObjectNode();
          try (PreparedStatement ps =
                  bind(
                      c.prepareStatement(OLDEST_EVENT), lease.instanceSeq(), waitStep.eventType());
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return Optional.<StepRecord>empty();
            }
            eventId = rs.getLong("id");
            String payload = rs.getString("payload_json");
            output.put("type", waitStep.eventType());
            output.set("payload", payload == null ? null : JSON.readTree(payload));
            output.put("timestamp", Instant.ofEpochMilli(rs.getLong("received_on")).toString());
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("stored event payload is not JSON", e);
          }
          StepRecord done = waitStep.completed(now, output.toString(), null);
          if (!StepRows.update(c, updateStep, done, lease.instanceSeq(), lease.runId())) {
            return Optional.<StepRecord>empty();
          }
          execute(c, DELETE_EVENT, eventId);
          return Optional.of(done);
        });
  }

  @Override
  public FailurePolicy failurePolicy(long seq) {
    String wire = db.read(c -> Columns.text(c, FAILURE_POLICY, seq));
    return WireNames.parseFailurePolicy(wire).orElse(FailurePolicy.DEFAULT);
  }

  /** Undoes the step write of {@link #pauseAtStep} when its move no longer applies. */
  private static final class MoveNotApplied extends RuntimeException {
    MoveNotApplied() {
      super("the move into paused no longer applies", null, false, false);
    }
  }

  @Override
  public boolean pauseAtStep(
      RunLease lease, StepRecord exhausted, Decision.Move move, RunUpdate update, Instant at) {
    try {
      return db.write(
          c -> {
            if (!StepRows.update(c, updateStep, exhausted, lease.instanceSeq(), lease.runId())) {
              return false;
            }
            if (!MoveWrite.of(lease.instanceSeq(), lease.runId(), move, at)
                .withRunUpdate(update)
                .apply(c, db.dialect(), ENGINE)) {
              throw new MoveNotApplied();
            }
            return true;
          });
    } catch (MoveNotApplied notApplied) {
      return false;
    }
  }

  @Override
  public boolean moveRun(
      RunLease lease, List<StepRecord> finished, Decision.Move move, RunUpdate update, Instant at) {
    // the steps first: their fence wants a status in which the run works, which the move may end
    return db.write(
        c ->
            record(c, lease, finished)
                && MoveWrite.of(lease.instanceSeq(), lease.runId(), move, at)
                    .withRunUpdate(update)
                    .apply(c, db.dialect(), ENGINE));
  }
}
