package dev.stepflow.store.jdbc;

/**
 * Where an instance's params and output are kept: in its row when short, in {@code
 * instance_payload} when long. Every status move rewrites the instance row, and SQLite rewrites all
 * of it, overflow pages included: 8,000 characters of params in the row cost every PATCH of the
 * instance about 30 µs more on the single writer and tripled its p99 under load. Apart, a long
 * value is written once. A short one stays in the row, where it costs a move nothing measurable and
 * saves the extra statement that writing it apart takes (one more row per instance created, another
 * at its end).
 *
 * <p>A value is in one of the two places, never both; the other is NULL, so a read takes the row's
 * value or else the one apart ({@link #read}).
 */
final class InstancePayload {
  /**
   * The longest value kept in the row, in UTF-16 units: at most 3 KB of UTF-8, so the row stays
   * within one SQLite page (its overflow starts at about 4 KB) and under PostgreSQL's 2 KB TOAST
   * threshold for the ASCII JSON that params mostly are.
   */
  static final int LONGEST_IN_ROW = 1_024;

  static final String INSERT_PARAMS =
      "INSERT INTO instance_payload (instance_seq, params_json) VALUES (?, ?)";

  static final String RECORD_OUTPUT =
      """
      INSERT INTO instance_payload (instance_seq, output_json) VALUES (?, ?)
      ON CONFLICT (instance_seq) DO UPDATE SET output_json = excluded.output_json""";

  static final String WIPE_OUTPUT =
      "UPDATE instance_payload SET output_json = NULL WHERE instance_seq = ?";

  private InstancePayload() {}

  /** True when {@code json} is kept in {@code instance_payload} rather than in the row. */
  static boolean keptApart(String json) {
    return json != null && json.length() > LONGEST_IN_ROW;
  }

  /** The value of {@code column} for a SELECT list of {@code instance} known as {@code table}. */
  static String read(String table, String column) {
    return "COALESCE(%1$s.%2$s, (SELECT p.%2$s FROM instance_payload p WHERE p.instance_seq = %1$s.seq)) AS %2$s"
        .formatted(table, column);
  }
}
