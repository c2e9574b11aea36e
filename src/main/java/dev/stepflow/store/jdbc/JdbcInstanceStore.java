package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.instant;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Effect;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StatusMove;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.StepRow;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.InstanceStore;
import dev.stepflow.store.jdbc.SqlDialect.RowLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@link InstanceStore} in portable SQL over a {@link Database}. */
public final class JdbcInstanceStore implements InstanceStore {

  static final String INSTANCE_COLUMNS =
      """
      SELECT seq, account_id, workflow_name, instance_id, status, workflow_id, version_id,
             params_json, trigger_source, created_on, modified_on, queued_on, started_on, ended_on,
             status_changed_on, output_json, error_name, error_message, rollback_outcome,
             rollback_error_name, rollback_error_message FROM instance""";
  private static final String FIND_INSTANCE =
      INSTANCE_COLUMNS + " WHERE account_id = ? AND workflow_name = ? AND instance_id = ?";
  private static final String FIND_SEQ =
      "SELECT seq FROM instance WHERE account_id = ? AND workflow_name = ? AND instance_id = ?";
  private static final String DELETE_INSTANCE =
      "DELETE FROM instance WHERE account_id = ? AND workflow_name = ? AND instance_id = ?";

  /**
   * A client's move. One that interrupts the run gives the instance a new run id, so the
   * interrupted run is fenced at its next write wherever it runs, even before its node hears of the
   * move; the run's node keeps its lease only while the target status holds a run slot.
   */
  private static final String MOVE_STATUS_IF_CURRENT =
      """
      UPDATE instance
         SET status = ?, modified_on = ?, status_changed_on = ?,
             queued_on = CASE WHEN ? THEN ? ELSE queued_on END,
             wake_at = CASE WHEN ? THEN NULL ELSE wake_at END,
             waiting_for_event = CASE WHEN ? THEN NULL ELSE waiting_for_event END,
             started_on = CASE WHEN ? THEN NULL ELSE started_on END,
             ended_on = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE ended_on END,
             output_json = CASE WHEN ? THEN NULL ELSE output_json END,
             error_name = CASE WHEN ? THEN NULL ELSE error_name END,
             error_message = CASE WHEN ? THEN NULL ELSE error_message END,
             paused_at = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE paused_at END,
             rollback_cause = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE rollback_cause END,
             rollback_outcome = CASE WHEN ? THEN NULL ELSE rollback_outcome END,
             rollback_error_name = CASE WHEN ? THEN NULL ELSE rollback_error_name END,
             rollback_error_message = CASE WHEN ? THEN NULL ELSE rollback_error_message END,
             run_id = run_id + CASE WHEN ? THEN 1 ELSE 0 END,
             owner_node = CASE WHEN ? THEN owner_node ELSE NULL END,
             lease_until = CASE WHEN ? THEN lease_until ELSE NULL END
       WHERE seq = ? AND status = ?""";

  /** Resume: relative deadlines move on by the time the instance spent paused. */
  private static final String SHIFT_STEP_DEADLINES =
      """
      UPDATE step SET wake_at = wake_at + (? - (SELECT paused_at FROM instance WHERE seq = ?))
       WHERE instance_seq = ? AND wake_at IS NOT NULL AND wake_absolute = 0
         AND status IN ('running', 'waiting')
         AND (SELECT paused_at FROM instance WHERE seq = ?) IS NOT NULL""";

  private static final String APPEND_STATUS_CHANGE =
      """
      INSERT INTO status_change (instance_seq, from_status, to_status, trigger_name, actor, at)
      VALUES (?, ?, ?, ?, ?, ?)""";
  private static final String HISTORY =
      """
      SELECT from_status, to_status, trigger_name, actor, at FROM status_change
       WHERE instance_seq = ? ORDER BY id""";
  private static final String FIND_STEP_SEQ =
      "SELECT step_seq FROM step WHERE instance_seq = ? AND type = ? AND name = ? AND count = ?";
  private static final String WIPE_STEPS_FROM =
      "DELETE FROM step WHERE instance_seq = ? AND step_seq >= ?";
  private static final String WIPE_EVENTS = "DELETE FROM event WHERE instance_seq = ?";
  private static final String BUFFERED_EVENTS =
      "SELECT type, payload_json, received_on FROM event WHERE instance_seq = ? ORDER BY id";

  private final Database db;
  private final SqlDialect dialect;
  private final String findInstanceToMove;
  private final String findSeqToMove;
  private final String workflowToCreateIn;
  private final String rowLockOfEvents;

  public JdbcInstanceStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
    this.findInstanceToMove = FIND_INSTANCE + dialect.lock(RowLock.UPDATE);
    this.findSeqToMove = FIND_SEQ + dialect.lock(RowLock.UPDATE);
    this.workflowToCreateIn = dialect.lock(RowLock.KEY_SHARE);
    this.rowLockOfEvents = dialect.lock(RowLock.SHARE);
  }

  @Override
  public List<Instance> createInstances(
      WorkflowRef ref, List<NewInstance> items, String actor, Instant now) {
    return db.write(
        c -> InstanceCreation.create(c, dialect, workflowToCreateIn, ref, items, actor, now));
  }

  @Override
  public Optional<Instance> findInstance(InstanceRef ref) {
    return db.read(c -> findInstance(c, ref));
  }

  private static Optional<Instance> findInstance(Connection c, InstanceRef ref)
      throws SQLException {
    return findInstance(c, FIND_INSTANCE, ref);
  }

  private static Optional<Instance> findInstance(Connection c, String sql, InstanceRef ref)
      throws SQLException {
    try (PreparedStatement ps =
            bind(c.prepareStatement(sql), ref.accountId(), ref.workflowName(), ref.instanceId());
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(instance(rs)) : Optional.empty();
    }
  }

  static OptionalLong seqOf(Connection c, InstanceRef ref) throws SQLException {
    return seqOf(c, FIND_SEQ, ref);
  }

  private static OptionalLong seqOf(Connection c, String sql, InstanceRef ref) throws SQLException {
    try (PreparedStatement ps =
            bind(c.prepareStatement(sql), ref.accountId(), ref.workflowName(), ref.instanceId());
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
    }
  }

  @Override
  public Page<Instance> listInstances(InstanceQuery query) {
    return db.read(c -> InstanceListing.run(c, query));
  }

  @Override
  public boolean deleteInstance(InstanceRef ref) {
    return db.write(
        c ->
            execute(c, DELETE_INSTANCE, ref.accountId(), ref.workflowName(), ref.instanceId()) > 0);
  }

  @Override
  public MoveResult moveStatusIfCurrent(InstanceRef ref, StatusMove move) {
    return db.write(
        c -> {
          OptionalLong seq = seqOf(c, findSeqToMove, ref);
          return seq.isEmpty() ? MoveResult.NOT_FOUND : applyMove(c, seq.getAsLong(), ref, move);
        });
  }

  @Override
  public MoveAttempt decideAndMove(
      InstanceRef ref,
      Function<Status, Decision> decide,
      String actor,
      Instant at,
      Optional<StepRef> restartFrom) {
    return db.write(
        c -> {
          // locked where writers run concurrently: the status cannot change before the write
          Optional<Instance> found = findInstance(c, findInstanceToMove, ref);
          if (found.isEmpty()) {
            return new MoveAttempt(null, null, MoveResult.NOT_FOUND);
          }
          Decision decision = decide.apply(found.get().status());
          if (!(decision instanceof Decision.Move move)) {
            return new MoveAttempt(found.get(), decision, null);
          }
          StatusMove statusMove = new StatusMove(move, actor, at, restartFrom);
          return new MoveAttempt(
              found.get(), decision, applyMove(c, found.get().seq(), ref, statusMove));
        });
  }

  /** The compare-and-set with its history row and wipes; 0 rows updated means NOT_CURRENT. */
  private MoveResult applyMove(Connection c, long seq, InstanceRef ref, StatusMove move)
      throws SQLException {
    OptionalLong wipeFrom = wipeFrom(c, seq, ref, move);
    if (updateIfCurrent(c, seq, move) == 0) {
      return MoveResult.NOT_CURRENT;
    }
    appendStatusChange(
        c,
        seq,
        move.decision().from(),
        move.decision().to(),
        move.decision().trigger().label(),
        move.actor(),
        move.at());
    if (wipeFrom.isPresent()) {
      wipe(c, seq, wipeFrom.getAsLong(), move.restartFrom().isEmpty());
    }
    // the node running the instance (maybe another) acts on the move once this commits
    ClusterChannels.sendControl(c, dialect, seq);
    return MoveResult.APPLIED;
  }

  /** The first step_seq to wipe (0 for all), or empty when the move wipes nothing. */
  private static OptionalLong wipeFrom(Connection c, long seq, InstanceRef ref, StatusMove move)
      throws SQLException {
    if (!move.has(Effect.WIPE_STEPS)) {
      return OptionalLong.empty();
    }
    if (move.restartFrom().isEmpty()) {
      return OptionalLong.of(0);
    }
    StepRef step = move.restartFrom().get();
    try (PreparedStatement ps =
            bind(
                c.prepareStatement(FIND_STEP_SEQ),
                seq,
                step.type().wire(),
                step.name(),
                step.count());
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new WorkflowException(
            ErrorCode.CANNOT_RESTART,
            "Step '"
                + step.name()
                + "' (type "
                + step.type().wire()
                + ", occurrence "
                + step.count()
                + ") not found in the execution history of instance '"
                + ref.instanceId()
                + "'. Restart without 'from' to run every step again.");
      }
      return OptionalLong.of(rs.getLong(1));
    }
  }

  private static int updateIfCurrent(Connection c, long seq, StatusMove move) throws SQLException {
    Status to = move.decision().to();
    boolean wipe = move.has(Effect.WIPE_STEPS);
    boolean wipeAll = wipe && move.restartFrom().isEmpty();
    boolean enqueue = move.has(Effect.ENQUEUE);
    boolean stamp = move.has(Effect.STAMP_PAUSE_START);
    boolean shift = move.has(Effect.SHIFT_DEADLINES_BY_PAUSE);
    boolean compensate = move.has(Effect.RUN_COMPENSATIONS);
    Instant at = move.at();
    if (shift) {
      execute(c, SHIFT_STEP_DEADLINES, at, seq, seq, seq);
    }
    return execute(
        c,
        MOVE_STATUS_IF_CURRENT,
        WireNames.status(to),
        at,
        at,
        enqueue,
        at,
        enqueue || wipe,
        enqueue || wipe,
        wipeAll,
        to.isTerminal(),
        at,
        wipe,
        wipe,
        wipe,
        wipe,
        stamp,
        at,
        shift || wipe,
        compensate,
        move.decision().trigger().label(),
        wipe,
        wipe,
        wipe,
        wipe,
        move.has(Effect.INTERRUPT_RUN),
        to.holdsRunSlot(),
        to.holdsRunSlot(),
        seq,
        WireNames.status(move.decision().from()));
  }

  private static void wipe(Connection c, long seq, long fromStepSeq, boolean events)
      throws SQLException {
    execute(c, WIPE_STEPS_FROM, seq, fromStepSeq);
    if (events) {
      execute(c, WIPE_EVENTS, seq);
    }
  }

  /** Appends one row to the instance's status history (the only writer of that table). */
  static void appendStatusChange(
      Connection c, long seq, Status from, Status to, String trigger, String actor, Instant at)
      throws SQLException {
    execute(
        c,
        APPEND_STATUS_CHANGE,
        seq,
        from == null ? null : WireNames.status(from),
        WireNames.status(to),
        trigger,
        actor,
        at);
  }

  @Override
  public List<StatusChange> history(InstanceRef ref) {
    return db.read(
        c -> {
          OptionalLong seq = seqOf(c, ref);
          if (seq.isEmpty()) {
            return Collections.<StatusChange>emptyList();
          }
          List<StatusChange> rows = new ArrayList<>();
          try (PreparedStatement ps = bind(c.prepareStatement(HISTORY), seq.getAsLong());
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String from = rs.getString(1);
              rows.add(
                  new StatusChange(
                      from == null ? null : WireNames.parseStatus(from).orElseThrow(),
                      WireNames.parseStatus(rs.getString(2)).orElseThrow(),
                      rs.getString(3),
                      rs.getString(4),
                      instant(rs, "at")));
            }
          }
          return rows;
        });
  }

  @Override
  public Optional<StepRow> findStep(InstanceRef ref, StepRef step) {
    return db.read(
        c -> {
          OptionalLong seq = seqOf(c, ref);
          if (seq.isEmpty()) {
            return Optional.<StepRow>empty();
          }
          return StepRows.list(
                  c, StepRows.ONE, seq.getAsLong(), step.type().wire(), step.name(), step.count())
              .stream()
              .findFirst();
        });
  }

  @Override
  public List<StepRow> steps(InstanceRef ref) {
    return db.read(
        c -> {
          OptionalLong seq = seqOf(c, ref);
          return seq.isEmpty()
              ? List.<StepRow>of()
              : StepRows.list(c, StepRows.OF_INSTANCE, seq.getAsLong());
        });
  }

  @Override
  public MoveResult bufferEvent(
      InstanceRef ref,
      String type,
      String payloadJson,
      Instant now,
      Set<Status> acceptingStatuses) {
    String statuses =
        acceptingStatuses.stream()
            .map(s -> "'" + WireNames.status(s) + "'")
            .collect(Collectors.joining(", "));
    String sql =
        """
        INSERT INTO event (instance_seq, type, payload_json, received_on)
        SELECT seq, ?, ?, ? FROM instance
         WHERE account_id = ? AND workflow_name = ? AND instance_id = ? AND status IN (%s)%s"""
            .formatted(statuses, rowLockOfEvents);
    // the share lock orders the event with status moves: a restart's wipe of the buffered events
    // sees it, or it sees the restarted instance
    return db.write(
        c -> {
          if (execute(
                  c,
                  sql,
                  type,
                  payloadJson,
                  now,
                  ref.accountId(),
                  ref.workflowName(),
                  ref.instanceId())
              > 0) {
            ClusterChannels.sendWork(c, dialect);
            return MoveResult.APPLIED;
          }
          return seqOf(c, ref).isPresent() ? MoveResult.NOT_CURRENT : MoveResult.NOT_FOUND;
        });
  }

  @Override
  public List<BufferedEvent> bufferedEvents(InstanceRef ref) {
    return db.read(
        c -> {
          List<BufferedEvent> events = new ArrayList<>();
          OptionalLong seq = seqOf(c, ref);
          if (seq.isEmpty()) {
            return events;
          }
          try (PreparedStatement ps = bind(c.prepareStatement(BUFFERED_EVENTS), seq.getAsLong());
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              events.add(
                  new BufferedEvent(rs.getString(1), rs.getString(2), instant(rs, "received_on")));
            }
          }
          return events;
        });
  }

  static int execute(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values)) {
      return ps.executeUpdate();
    }
  }

  static Instance instance(ResultSet rs) throws SQLException {
    return new Instance(
        new InstanceRef(
            rs.getString("account_id"), rs.getString("workflow_name"), rs.getString("instance_id")),
        rs.getLong("seq"),
        WireNames.parseStatus(rs.getString("status")).orElseThrow(),
        rs.getString("workflow_id"),
        rs.getString("version_id"),
        rs.getString("params_json"),
        rs.getString("trigger_source"),
        instant(rs, "created_on"),
        instant(rs, "modified_on"),
        instant(rs, "queued_on"),
        instant(rs, "started_on"),
        instant(rs, "ended_on"),
        instant(rs, "status_changed_on"),
        rs.getString("output_json"),
        rs.getString("error_name"),
        rs.getString("error_message"),
        rs.getString("rollback_outcome"),
        rs.getString("rollback_error_name"),
        rs.getString("rollback_error_message"));
  }
}
