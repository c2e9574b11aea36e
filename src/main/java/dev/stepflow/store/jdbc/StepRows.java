package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.instant;

import dev.stepflow.domain.LoggedStep;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.WireNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reading and writing step rows; shared by the instance store (GET) and the engine store. A step's
 * output lives apart, in step_output, and the step row keeps its preview ({@link
 * LoggedStep#previewOf}): the instance log reads previews and never an output.
 */
final class StepRows {
  /** The columns of a step; {@code %s} reads its output. */
  private static final String SELECT =
      """
      SELECT instance_seq, step_seq, type, name, count, status, started_on, ended_on,
             %s AS output_json,
             error_name, error_message, config_json, attempts_json, has_rollback, wake_at,
             wake_absolute, event_type, error_stack FROM step""";

  private static final String WHOLE_OUTPUT =
      """
      (SELECT o.output_json FROM step_output o
        WHERE o.instance_seq = step.instance_seq AND o.step_seq = step.step_seq)""";

  private static final String WITH_OUTPUT = SELECT.formatted(WHOLE_OUTPUT);
  static final String OF_INSTANCE = WITH_OUTPUT + " WHERE instance_seq = ? ORDER BY step_seq";
  static final String ONE =
      WITH_OUTPUT + " WHERE instance_seq = ? AND type = ? AND name = ? AND count = ?";

  /** The steps of an instance for its log, with output previews in place of outputs. */
  static final String LOG_OF_INSTANCE =
      SELECT.formatted("output_preview") + " WHERE instance_seq = ? ORDER BY step_seq";

  /** A step's output; written in the transaction of the step write that applied. */
  private static final String WRITE_OUTPUT =
      """
      INSERT INTO step_output (instance_seq, step_seq, output_json) VALUES (?, ?, ?)
      ON CONFLICT (instance_seq, step_seq) DO UPDATE SET output_json = excluded.output_json""";

  /**
   * Fenced by the run's lease: the instance must still carry the run's id and a status in which a
   * run works on it. The %s is the row lock that keeps the fence true until commit where writers
   * are concurrent: without it a terminate or restart could commit in between, and a restart's wipe
   * would miss a step the old run inserted at the same moment.
   */
  private static final String INSERT =
      """
      INSERT INTO step (instance_seq, step_seq, type, name, count, status, started_on, ended_on,
                        output_preview, error_name, error_message, config_json, attempts_json,
                        has_rollback, wake_at, wake_absolute, event_type, error_stack)
      SELECT seq, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM instance
       WHERE seq = ? AND run_id = ? AND status IN (%s)%s""";

  private static final String UPDATE =
      """
      UPDATE step SET status = ?, ended_on = ?, output_preview = ?, error_name = ?,
                      error_message = ?, attempts_json = ?, wake_at = ?, error_stack = ?
       WHERE instance_seq = ? AND step_seq = ?
         AND EXISTS (SELECT 1 FROM instance WHERE seq = ? AND run_id = ?
                       AND status IN (%s)%s)""";

  /**
   * A step's fenced write followed by its output's, as one statement where the dialect chains
   * writes ({@link SqlDialect#chainsWrites}): one round trip to the database instead of two. The
   * output is written only when the step's write applied, and the statement's count says whether it
   * did. %s is the fenced write.
   */
  private static final String CHAINED_OUTPUT =
      """
      WITH written AS (%s
           RETURNING instance_seq, step_seq)
      INSERT INTO step_output (instance_seq, step_seq, output_json)
      SELECT instance_seq, step_seq, ? FROM written
      ON CONFLICT (instance_seq, step_seq) DO UPDATE SET output_json = excluded.output_json""";

  /**
   * A fenced write of a step row in one dialect: alone, and chained with the output's write where
   * the dialect can.
   */
  record Fenced(String alone, Optional<String> withOutput) {
    /** {@code write} (INSERT or UPDATE) fenced on {@code statuses}, under the dialect's lock. */
    private static Fenced of(SqlDialect dialect, String write, String statuses) {
      String alone = write.formatted(statuses, dialect.lock(SqlDialect.RowLock.SHARE));
      return new Fenced(
          alone,
          dialect.chainsWrites() ? Optional.of(CHAINED_OUTPUT.formatted(alone)) : Optional.empty());
    }
  }

  /** The fenced insert for {@link #insert(Connection, Fenced, StepRecord, long, long)}. */
  static Fenced insert(SqlDialect dialect) {
    return Fenced.of(dialect, INSERT, WireLiterals.slotHolding());
  }

  /**
   * The insert of a step that starts at a step boundary: fenced as {@link #insert(SqlDialect)}, and
   * applied only in the statuses a run carries on from ({@link WireLiterals#carryingOn}).
   */
  static Fenced start(SqlDialect dialect) {
    return Fenced.of(dialect, INSERT, WireLiterals.carryingOn());
  }

  /** The fenced update for {@link #update(Connection, Fenced, StepRecord, long, long)}. */
  static Fenced update(SqlDialect dialect) {
    return Fenced.of(dialect, UPDATE, WireLiterals.slotHolding());
  }

  private StepRows() {}

  /** The most instances one read of {@link #ofInstances} asks for. */
  private static final int INSTANCES_PER_READ = 256;

  /**
   * The steps of each of the instances {@code seqs}, in start order; an instance without steps has
   * none in the map. One read per {@value #INSTANCES_PER_READ} instances, its list of keys padded
   * to a power of two (with the last key again) so that few statement texts are ever prepared.
   */
  static Map<Long, List<StepRecord>> ofInstances(Connection c, List<Long> seqs)
      throws SQLException {
    Map<Long, List<StepRecord>> steps = new HashMap<>();
    for (int from = 0; from < seqs.size(); from += INSTANCES_PER_READ) {
      List<Long> some = seqs.subList(from, Math.min(seqs.size(), from + INSTANCES_PER_READ));
      int keys = Integer.highestOneBit(some.size() * 2 - 1);
      Object[] values = new Object[keys];
      for (int i = 0; i < keys; i++) {
        values[i] = some.get(Math.min(i, some.size() - 1));
      }
      String sql =
          WITH_OUTPUT
              + " WHERE instance_seq IN ("
              + Columns.placeholders(keys)
              + ") ORDER BY instance_seq, step_seq";
      try (PreparedStatement ps = Columns.bind(c.prepareStatement(sql), values);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          steps.computeIfAbsent(rs.getLong("instance_seq"), k -> new ArrayList<>()).add(row(rs));
        }
      }
    }
    return steps;
  }

  static List<StepRecord> list(Connection c, String sql, Object... values) throws SQLException {
    List<StepRecord> rows = new ArrayList<>();
    try (PreparedStatement ps = Columns.bind(c.prepareStatement(sql), values);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(row(rs));
      }
    }
    return rows;
  }

  /**
   * Inserts a step of the run with {@code write} from {@link #insert(SqlDialect)}, and its output
   * if it has one; false (nothing written) when the run's lease no longer holds.
   */
  static boolean insert(Connection c, Fenced write, StepRecord r, long seq, long runId)
      throws SQLException {
    return write(c, write, r, seq, insertValues(r, seq, runId));
  }

  /** As {@link #insert(Connection, Fenced, StepRecord, long, long)}, for an update. */
  static boolean update(Connection c, Fenced write, StepRecord r, long seq, long runId)
      throws SQLException {
    return write(c, write, r, seq, updateValues(r, seq, runId));
  }

  private static boolean write(Connection c, Fenced write, StepRecord r, long seq, Object[] values)
      throws SQLException {
    if (r.outputJson() != null && write.withOutput().isPresent()) {
      Object[] withOutput = Arrays.copyOf(values, values.length + 1);
      withOutput[values.length] = r.outputJson();
      return Columns.execute(c, write.withOutput().get(), withOutput) == 1;
    }
    if (Columns.execute(c, write.alone(), values) != 1) {
      return false;
    }
    if (r.outputJson() != null) {
      Columns.execute(c, WRITE_OUTPUT, seq, r.stepSeq(), r.outputJson());
    }
    return true;
  }

  private static Object[] insertValues(StepRecord r, long seq, long runId) {
    return new Object[] {
      r.stepSeq(),
      WireNames.stepKind(r.kind()),
      r.name(),
      r.count(),
      WireNames.stepStatus(r.status()),
      r.startedOn(),
      r.endedOn(),
      LoggedStep.previewOf(r.outputJson()),
      r.errorName(),
      r.errorMessage(),
      r.configJson(),
      r.attemptsJson(),
      r.hasRollback() ? 1 : 0,
      r.wakeAt(),
      r.wakeAbsolute() ? 1 : 0,
      r.eventType(),
      r.errorStack(),
      seq,
      runId
    };
  }

  private static Object[] updateValues(StepRecord r, long seq, long runId) {
    return new Object[] {
      WireNames.stepStatus(r.status()),
      r.endedOn(),
      LoggedStep.previewOf(r.outputJson()),
      r.errorName(),
      r.errorMessage(),
      r.attemptsJson(),
      r.wakeAt(),
      r.errorStack(),
      seq,
      r.stepSeq(),
      seq,
      runId
    };
  }

  private static StepRecord row(ResultSet rs) throws SQLException {
    return new StepRecord(
        rs.getInt("step_seq"),
        WireNames.parseStepKind(rs.getString("type")).orElseThrow(),
        rs.getString("name"),
        rs.getInt("count"),
        WireNames.parseStepStatus(rs.getString("status")).orElseThrow(),
        instant(rs, "started_on"),
        instant(rs, "ended_on"),
        rs.getString("output_json"),
        rs.getString("error_name"),
        rs.getString("error_message"),
        rs.getString("config_json"),
        rs.getString("attempts_json"),
        rs.getInt("has_rollback") == 1,
        instant(rs, "wake_at"),
        rs.getInt("wake_absolute") == 1,
        rs.getString("event_type"),
        rs.getString("error_stack"));
  }
}
