package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.execute;
import static dev.stepflow.store.jdbc.Columns.instant;

import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.CurrentStatus;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.LoggedStep;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepNotInHistory;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.AppliedMove;
import dev.stepflow.store.BulkItemReceipt;
import dev.stepflow.store.InstanceStore;
import dev.stepflow.store.jdbc.SqlDialect.RowLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/** {@link InstanceStore} in portable SQL over a {@link Database}. */
public final class JdbcInstanceStore implements InstanceStore {

  private static final String DELETE_INSTANCE = "DELETE FROM instance WHERE seq = ?";

  /**
   * What a status change reads: only what it decides on, not the whole row. sqlite-jdbc fetches
   * every selected column's name again at each execution (about 0.3 µs a column here), and the
   * params and the output are JSON of any size. Reading the whole row (25 columns) took about a
   * fifth of the writer's time per PATCH (async-profiler, 2026-12-05). Read by position, in this
   * order, by {@link #locateToMove}.
   */
  private static final String FIND_TO_MOVE =
      "SELECT seq, status, status_version, status_changed_on, run_id FROM instance"
          + " WHERE account_id = ? AND workflow_name = ? AND instance_id = ?";

  private static final String FIND_STEP_SEQ =
      "SELECT step_seq FROM step WHERE instance_seq = ? AND type = ? AND name = ? AND count = ?";
  private static final String BUFFERED_EVENTS =
      "SELECT type, payload_json, received_on FROM event WHERE instance_seq = ? ORDER BY id";

  /**
   * Buffers an event if the instance accepts events. The share lock orders the event with status
   * moves: a restart's wipe of the buffered events sees it, or it sees the restarted instance.
   */
  private static final String BUFFER_EVENT =
      """
      INSERT INTO event (instance_seq, type, payload_json, received_on)
      SELECT seq, ?, ?, ? FROM instance
       WHERE account_id = ? AND workflow_name = ? AND instance_id = ? AND status IN (%s)%s""";

  private final Database db;
  private final SqlDialect dialect;
  private final String findToMove;
  private final String workflowToCreateIn;
  private final String rowLockOfEvents;

  public JdbcInstanceStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
    this.findToMove = FIND_TO_MOVE + dialect.lock(RowLock.UPDATE);
    this.workflowToCreateIn = dialect.lock(RowLock.KEY_SHARE);
    this.rowLockOfEvents = dialect.lock(RowLock.SHARE);
  }

  @Override
  public List<Instance> createInstances(
      WorkflowRef ref, List<NewInstance> items, ChangeOrigin origin, Instant now) {
    return db.write(
        c -> InstanceCreation.create(c, dialect, workflowToCreateIn, ref, items, origin, now));
  }

  @Override
  public Optional<Instance> findInstance(InstanceRef ref) {
    return db.read(c -> InstanceRows.find(c, InstanceRows.BY_ID, ref));
  }

  @Override
  public Page<Instance> listInstances(InstanceQuery query) {
    return db.read(c -> InstanceListing.run(c, dialect, query));
  }

  @Override
  public Deletion deleteInstance(
      InstanceRef ref,
      Set<Status> deletableStatuses,
      Optional<BulkItemReceipt> receipt,
      Instant at) {
    return db.write(
        c -> {
          Optional<Located> found = locateToMove(c, ref);
          if (found.isEmpty()) {
            return new Deletion(MoveResult.NOT_FOUND, null);
          }
          CurrentStatus current = found.get().current();
          if (!deletableStatuses.contains(current.status())) {
            return new Deletion(MoveResult.NOT_CURRENT, current.status());
          }
          execute(c, DELETE_INSTANCE, current.seq());
          settleApplied(c, receipt, at);
          return new Deletion(MoveResult.APPLIED, current.status());
        });
  }

  @Override
  public MoveAttempt decideAndMove(
      InstanceRef ref,
      Function<CurrentStatus, Decision> decide,
      ChangeOrigin origin,
      Instant at,
      Optional<StepRef> restartFrom,
      Optional<BulkItemReceipt> receipt) {
    return db.write(
        c -> {
          Optional<Located> found = locateToMove(c, ref);
          if (found.isEmpty()) {
            return new MoveAttempt(null, null, MoveResult.NOT_FOUND, Optional.empty());
          }
          CurrentStatus before = found.get().current();
          long runId = found.get().runId();
          Decision decision = decide.apply(before);
          if (!(decision instanceof Decision.Move move)) {
            return new MoveAttempt(before, decision, null, Optional.empty());
          }
          boolean applied =
              MoveWrite.of(before.seq(), runId, move, at)
                  .restartingFrom(restartStep(c, before, restartFrom))
                  .apply(c, dialect, origin);
          if (applied) {
            settleApplied(c, receipt, at);
          }
          return applied
              ? new MoveAttempt(
                  before,
                  decision,
                  MoveResult.APPLIED,
                  Optional.of(new AppliedMove(before.seq(), runId, move)))
              : new MoveAttempt(before, decision, MoveResult.NOT_CURRENT, Optional.empty());
        });
  }

  /** Records the bulk job item of {@code receipt}, if any, as applied by this transaction. */
  private static void settleApplied(Connection c, Optional<BulkItemReceipt> receipt, Instant at)
      throws SQLException {
    if (receipt.isPresent()) {
      BulkJobRows.settle(c, receipt.get(), BulkItem.Result.of(BulkItem.Outcome.APPLIED), at);
    }
  }

  /** An instance's status read to decide a move of it, with the run id the move will concern. */
  private record Located(CurrentStatus current, long runId) {}

  /**
   * Reads the instance under a row lock where writers run concurrently, so that its status cannot
   * change before the move's write.
   */
  private Optional<Located> locateToMove(Connection c, InstanceRef ref) throws SQLException {
    try (PreparedStatement ps =
            bind(
                c.prepareStatement(findToMove),
                ref.accountId(),
                ref.workflowName(),
                ref.instanceId());
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      CurrentStatus status =
          new CurrentStatus(
              ref,
              rs.getLong(1),
              WireNames.parseStatus(rs.getString(2)).orElseThrow(),
              rs.getLong(3),
              Instant.ofEpochMilli(rs.getLong(4)));
      return Optional.of(new Located(status, rs.getLong(5)));
    }
  }

  /** The step_seq a restart from {@code step} wipes from; empty for a restart of everything. */
  private static OptionalLong restartStep(
      Connection c, CurrentStatus instance, Optional<StepRef> restartFrom) throws SQLException {
    if (restartFrom.isEmpty()) {
      return OptionalLong.empty();
    }
    StepRef step = restartFrom.get();
    try (PreparedStatement ps =
            bind(
                c.prepareStatement(FIND_STEP_SEQ),
                instance.seq(),
                WireNames.stepKind(step.kind()),
                step.name(),
                step.count());
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new StepNotInHistory(instance.ref(), step);
      }
      return OptionalLong.of(rs.getLong(1));
    }
  }

  @Override
  public List<StatusChange> history(InstanceRef ref) {
    return db.read(
        c -> {
          OptionalLong seq = InstanceRows.seqOf(c, ref);
          return seq.isEmpty() ? List.<StatusChange>of() : StatusHistory.of(c, seq.getAsLong());
        });
  }

  @Override
  public Optional<Page<StatusChange>> historyPage(InstanceRef ref, Optional<Long> after, int size) {
    return db.read(
        c -> {
          OptionalLong seq = InstanceRows.seqOf(c, ref);
          if (seq.isEmpty()) {
            return Optional.<Page<StatusChange>>empty();
          }
          return Optional.of(StatusHistory.page(c, seq.getAsLong(), after.orElse(0L), size));
        });
  }

  @Override
  public Optional<StepRecord> findStep(InstanceRef ref, StepRef step) {
    return db.read(
        c -> {
          OptionalLong seq = InstanceRows.seqOf(c, ref);
          if (seq.isEmpty()) {
            return Optional.<StepRecord>empty();
          }
          return StepRows.list(
                  c,
                  StepRows.ONE,
                  seq.getAsLong(),
                  WireNames.stepKind(step.kind()),
                  step.name(),
                  step.count())
              .stream()
              .findFirst();
        });
  }

  @Override
  public List<StepRecord> steps(InstanceRef ref) {
    return db.read(
        c -> {
          OptionalLong seq = InstanceRows.seqOf(c, ref);
          return seq.isEmpty()
              ? List.<StepRecord>of()
              : StepRows.list(c, StepRows.OF_INSTANCE, seq.getAsLong());
        });
  }

  @Override
  public List<LoggedStep> stepLog(InstanceRef ref) {
    return db.read(
        c -> {
          OptionalLong seq = InstanceRows.seqOf(c, ref);
          return seq.isEmpty()
              ? List.<LoggedStep>of()
              : StepRows.list(c, StepRows.LOG_OF_INSTANCE, seq.getAsLong()).stream()
                  .map(LoggedStep::ofPreview)
                  .toList();
        });
  }

  @Override
  public MoveResult bufferEvent(
      InstanceRef ref,
      String type,
      String payloadJson,
      Instant now,
      Set<Status> acceptingStatuses) {
    String sql = BUFFER_EVENT.formatted(WireLiterals.quoted(acceptingStatuses), rowLockOfEvents);
    return db.write(
        c -> {
          int buffered =
              execute(
                  c,
                  sql,
                  type,
                  payloadJson,
                  now,
                  ref.accountId(),
                  ref.workflowName(),
                  ref.instanceId());
          if (buffered > 0) {
            ClusterChannels.sendWork(c, dialect);
            return MoveResult.APPLIED;
          }
          return InstanceRows.seqOf(c, ref).isPresent()
              ? MoveResult.NOT_CURRENT
              : MoveResult.NOT_FOUND;
        });
  }

  @Override
  public List<BufferedEvent> bufferedEvents(InstanceRef ref) {
    return db.read(
        c -> {
          List<BufferedEvent> events = new ArrayList<>();
          OptionalLong seq = InstanceRows.seqOf(c, ref);
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
}
