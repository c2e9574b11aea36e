package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;

import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Effect;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.AppliedMove;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.RunUpdate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The one place a status move is written, whoever makes it (a client's action, a run, a claim). A
 * move is one compare-and-set UPDATE of the instance, guarded by the status the table decided from
 * and the run id the mover saw, whose SET is assembled from what every move into the target status
 * writes and from the move's effects ({@link EffectWrites}); then, only if it applied, its history
 * row and the statements its effects need, in the caller's write transaction.
 *
 * <pre>{@code
 * MoveWrite.of(seq, runId, move, at).claimedBy(owner).apply(c, dialect, "engine")
 * }</pre>
 */
final class MoveWrite {

  /** The instance columns a move may set. */
  enum Column {
    STATUS,
    STATUS_VERSION,
    MODIFIED_ON,
    STATUS_CHANGED_ON,
    QUEUED_ON,
    STARTED_ON,
    ENDED_ON,
    WAKE_AT,
    WAITING_FOR_EVENT,
    OUTPUT_JSON,
    ERROR_NAME,
    ERROR_MESSAGE,
    PAUSED_AT,
    ROLLBACK_CAUSE,
    ROLLBACK_OUTCOME,
    ROLLBACK_ERROR_NAME,
    ROLLBACK_ERROR_MESSAGE,
    RUN_ID,
    OWNER_NODE,
    LEASE_UNTIL;

    // every move names its columns on the writer thread: named once, not once per move
    private final String sql = name().toLowerCase(Locale.ROOT);

    String sql() {
      return sql;
    }
  }

  /** One SQL statement with its parameters. */
  record Sql(String text, List<Object> values) {
    static Sql of(String text, Object... values) {
      return new Sql(text, java.util.Arrays.asList(values));
    }

    int execute(Connection c) throws SQLException {
      try (PreparedStatement ps = bind(c.prepareStatement(text), values.toArray())) {
        return ps.executeUpdate();
      }
    }
  }

  /**
   * What a move writes, collected before it runs: the SET of its UPDATE, the statements that follow
   * it once it applied, and whether its history row records a termination. Two writers that want
   * different values in one column are a programming error in the table or the handlers.
   */
  static final class Plan {
    private final Map<Column, Sql> set = new EnumMap<>(Column.class);
    private final List<Sql> after = new ArrayList<>();
    private boolean recordsTermination;

    /** {@code column = ?} with {@code value}, or {@code column = NULL}. */
    Plan set(Column column, Object value) {
      if (value instanceof Sql) {
        throw new IllegalArgumentException("an expression is assigned, not set: " + value);
      }
      return assign(column, value == null ? Sql.of("NULL") : Sql.of("?", value));
    }

    /** {@code column = expression}. */
    Plan assign(Column column, Sql assignment) {
      Sql earlier = set.putIfAbsent(column, assignment);
      if (earlier != null && !earlier.equals(assignment)) {
        throw new IllegalStateException(
            "a move sets " + column + " twice: " + earlier + " and " + assignment);
      }
      return this;
    }

    Plan after(Sql statement) {
      after.add(statement);
      return this;
    }

    Plan recordTermination() {
      recordsTermination = true;
      return this;
    }

    Map<Column, Sql> assignments() {
      return set;
    }

    List<Sql> statementsAfter() {
      return after;
    }

    /** True when the plan writes nothing at all. */
    boolean isEmpty() {
      return set.isEmpty() && after.isEmpty() && !recordsTermination;
    }
  }

  /** What the effects of a move need to know besides the move. */
  record Context(long instanceSeq, Instant at, Owner owner, OptionalLong restartFromStep) {}

  private final long instanceSeq;
  private final long runId;
  private final Decision.Move move;
  private final Instant at;
  private Owner owner;
  private OptionalLong restartFromStep = OptionalLong.empty();
  private RunUpdate runUpdate;
  private final List<Sql> guards = new ArrayList<>();

  private MoveWrite(long instanceSeq, long runId, Decision.Move move, Instant at) {
    this.instanceSeq = instanceSeq;
    this.runId = runId;
    this.move = move;
    this.at = at;
  }

  /** The move of instance {@code instanceSeq}, if it is still in the move's from-status and run. */
  static MoveWrite of(long instanceSeq, long runId, Decision.Move move, Instant at) {
    return new MoveWrite(instanceSeq, runId, move, at);
  }

  /** The node whose run the move starts ({@link Effect#START_RUN}), with its lease. */
  MoveWrite claimedBy(Owner owner) {
    this.owner = owner;
    return this;
  }

  /** {@link Effect#WIPE_STEPS} wipes from this step on instead of everything. */
  MoveWrite restartingFrom(OptionalLong stepSeq) {
    this.restartFromStep = stepSeq;
    return this;
  }

  /** The run's own data that its move sets (result, error, wake time, rollback outcome). */
  MoveWrite withRunUpdate(RunUpdate update) {
    this.runUpdate = update;
    return this;
  }

  /**
   * Only if no node but {@code node} holds a live lease on the instance: none, or one that ended
   * before {@code expiredBefore}. Taking an instance over from a lost run fences that run.
   */
  MoveWrite unlessLeasedByAnotherNode(String node, Instant expiredBefore) {
    guards.add(
        Sql.of("(owner_node IS NULL OR lease_until < ? OR owner_node = ?)", expiredBefore, node));
    return this;
  }

  /** Everything the move writes, effect by effect; visible for the tests of the handlers. */
  Plan plan() {
    Plan plan = new Plan();
    plan.set(Column.STATUS, WireNames.status(move.to()))
        .set(Column.MODIFIED_ON, at)
        .set(Column.STATUS_CHANGED_ON, at)
        // the instance's ETag names this version: every move makes a new one
        .assign(Column.STATUS_VERSION, Sql.of("status_version + 1"));
    if (move.to().isTerminal()) {
      plan.set(Column.ENDED_ON, at);
    }
    if (!move.to().holdsRunSlot()) {
      // nothing runs the instance in this status, so no node holds it
      plan.set(Column.OWNER_NODE, null).set(Column.LEASE_UNTIL, null);
    }
    if (!guards.isEmpty()) {
      plan.assign(Column.RUN_ID, Sql.of("run_id + 1"));
    }
    Context context = new Context(instanceSeq, at, owner, restartFromStep);
    for (Effect effect : move.effects()) {
      EffectWrites.write(effect, context, plan);
    }
    if (runUpdate != null) {
      RunUpdates.write(runUpdate, plan);
    }
    return plan;
  }

  /**
   * Applies the move in the caller's write transaction as {@code actor}; false (and nothing
   * written) when the instance is no longer in the move's from-status and run, or a guard failed. A
   * move with effects the runtime carries out is announced to every node once it commits.
   */
  boolean apply(Connection c, SqlDialect dialect, String actor) throws SQLException {
    return apply(c, dialect, ChangeOrigin.of(actor));
  }

  /** As {@link #apply(Connection, SqlDialect, String)}, recording who, why and in which request. */
  boolean apply(Connection c, SqlDialect dialect, ChangeOrigin origin) throws SQLException {
    Plan plan = plan();
    if (update(plan).execute(c) == 0) {
      return false;
    }
    StatusHistory.append(
        c,
        instanceSeq,
        StatusChange.by(
            origin, move.from(), move.to(), move.trigger().label(), at, plan.recordsTermination));
    for (Sql statement : plan.after) {
      statement.execute(c);
    }
    if (move.effects().stream().anyMatch(e -> e.carriedBy(Effect.Carrier.RUNTIME))) {
      ClusterChannels.sendMove(c, dialect, new AppliedMove(instanceSeq, runId, move));
    }
    return true;
  }

  /** The compare-and-set UPDATE of {@code plan}; visible for tests that show it. */
  Sql update(Plan plan) {
    StringBuilder text = new StringBuilder("UPDATE instance SET ");
    List<Object> values = new ArrayList<>();
    String separator = "";
    for (Map.Entry<Column, Sql> entry : plan.set.entrySet()) {
      text.append(separator)
          .append(entry.getKey().sql())
          .append(" = ")
          .append(entry.getValue().text());
      values.addAll(entry.getValue().values());
      separator = ", ";
    }
    text.append(" WHERE seq = ? AND status = ? AND run_id = ?");
    values.add(instanceSeq);
    values.add(WireNames.status(move.from()));
    values.add(runId);
    for (Sql guard : guards) {
      text.append(" AND ").append(guard.text());
      values.addAll(guard.values());
    }
    return new Sql(text.toString(), values);
  }
}
