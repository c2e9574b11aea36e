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
import java.util.List;

/**
 * Reading and writing step rows; shared by the instance store (GET) and the engine store. A step's
 * output lives apart, in step_output, and the step row keeps its preview ({@link
 * LoggedStep#previewOf}): the instance log reads previews and never an output.
 */
final class StepRows {
  /** The columns of a step; {@code %s} reads its output. */
  private static final String SELECT =
      """
      SELECT step_seq, type, name, count, status, started_on, ended_on, %s AS output_json,
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

  /** The fenced insert for {@link #insert(Connection, String, StepRecord, long, long)}. */
  static String insert(SqlDialect dialect) {
    return INSERT.formatted(WireLiterals.slotHolding(), dialect.lock(SqlDialect.RowLock.SHARE));
  }

  /** The fenced update for {@link #update(Connection, String, StepRecord, long, long)}. */
  static String update(SqlDialect dialect) {
    return UPDATE.formatted(WireLiterals.slotHolding(), dialect.lock(SqlDialect.RowLock.SHARE));
  }

  private StepRows() {}

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
   * Inserts a step of the run with the {@code fencedInsert} of {@link #insert(SqlDialect)}, and its
   * output if it has one; false (nothing written) when the run's lease no longer holds.
   */
  static boolean insert(Connection c, String fencedInsert, StepRecord r, long seq, long runId)
      throws SQLException {
    return Columns.execute(c, fencedInsert, insertValues(r, seq, runId)) == 1
        && writeOutput(c, r, seq);
  }

  /** As {@link #insert(Connection, String, StepRecord, long, long)}, for an update. */
  static boolean update(Connection c, String fencedUpdate, StepRecord r, long seq, long runId)
      throws SQLException {
    return Columns.execute(c, fencedUpdate, updateValues(r, seq, runId)) == 1
        && writeOutput(c, r, seq);
  }

  private static boolean writeOutput(Connection c, StepRecord r, long seq) throws SQLException {
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
