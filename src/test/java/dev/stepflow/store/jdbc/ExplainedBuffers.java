package dev.stepflow.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What a statement costs PostgreSQL in pages, by its own account, for the plan tests. */
final class ExplainedBuffers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExplainedBuffers() {}

  /**
   * The shared buffers (hit or read) PostgreSQL touched running {@code sql} with {@code values},
   * from EXPLAIN (ANALYZE, BUFFERS): the statement really runs, so a write is the caller's to roll
   * back.
   */
  static long of(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps =
            Columns.bind(
                c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql), values);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      JsonNode plan = JSON.readTree(rs.getString(1)).get(0).get("Plan");
      return plan.get("Shared Hit Blocks").asLong() + plan.get("Shared Read Blocks").asLong();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
