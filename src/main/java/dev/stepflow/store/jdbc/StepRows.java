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

/** Reading and writing step rows; shared by the instance store (GET) and the engine store. */
final class StepRows {
  static final String COLUMNS =
      """
      SELECT step_seq, type, name, count, status, started_on, ended_on, output_json, error_name,
             error_message, config_json, attempts_json, has_rollback, wake_at, wake_absolute,
             event_type FROM step""";
  static final String OF_INSTANCE = COLUMNS + " WHERE instance_seq = ? ORDER BY step_seq";

  /**
   * The steps of an instance for its log: each output cut in SQL to one character more than the log
   * shows (so the reader can tell a longer one), so that the server never loads a whole output for
   * GET instance. substr counts characters on SQLite and PostgreSQL alike.
   */
  static final String LOG_OF_INSTANCE =
      COLUMNS.replace(
              "output_json,",
              "substr(output_json, 1, "
                  + (LoggedStep.OUTPUT_PREVIEW_CHARS + 1)
                  + ") AS output_json,")
          + " WHERE instance_seq = ? ORDER BY step_seq";

  static final String ONE =
      COLUMNS + " WHERE instance_seq = ? AND type = ? AND name = ? AND count = ?";

  /**
   * Fenced by the run's lease: the instance must still carry the run's id and a status in which a
   * run works on it. The %s is the row lock that keeps the fence true until commit where writers
   * are concurrent: without it a terminate or restart could commit in between, and a restart's wipe
   * would miss a step the old run inserted at the same moment.
   */
  private static final String INSERT =
      """
      INSERT INTO step (instance_seq, step_seq, type, name, count, status, started_on, ended_on,
                        output_json, error_name, error_message, config_json, attempts_json,
                        has_rollback, wake_at, wake_absolute, event_type)
      SELECT seq, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM instance
       WHERE seq = ? AND run_id = ? AND status IN (%s)%s""";

  private static final String UPDATE =
      """
      UPDATE step SET status = ?, ended_on = ?, output_json = ?, error_name = ?, error_message = ?,
                      attempts_json = ?, wake_at = ?
       WHERE instance_seq = ? AND step_seq = ?
         AND EXISTS (SELECT 1 FROM instance WHERE seq = ? AND run_id = ?
                       AND status IN (%s)%s)""";

  /** Inserts a step of the run, fenced by its lease; values from {@link #insertValues}. */
  static String insert(SqlDialect dialect) {
    return INSERT.formatted(WireLiterals.slotHolding(), dialect.lock(SqlDialect.RowLock.SHARE));
  }

  /** Updates a step of the run, fenced by its lease; values from {@link #updateValues}. */
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

  static Object[] insertValues(StepRecord r, long seq, long runId) {
    return new Object[] {
      r.stepSeq(),
      WireNames.stepKind(r.kind()),
      r.name(),
      r.count(),
      WireNames.stepStatus(r.status()),
      r.startedOn(),
      r.endedOn(),
      r.outputJson(),
      r.errorName(),
      r.errorMessage(),
      r.configJson(),
      r.attemptsJson(),
      r.hasRollback() ? 1 : 0,
      r.wakeAt(),
      r.wakeAbsolute() ? 1 : 0,
      r.eventType(),
      seq,
      runId
    };
  }

  static Object[] updateValues(StepRecord r, long seq, long runId) {
    return new Object[] {
      WireNames.stepStatus(r.status()),
      r.endedOn(),
      r.outputJson(),
      r.errorName(),
      r.errorMessage(),
      r.attemptsJson(),
      r.wakeAt(),
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
        rs.getString("event_type"));
  }
}
