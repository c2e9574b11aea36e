package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;

import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.WireNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and runs one list-instances query. Pages are ordered by the store's creation sequence; one
 * row more than asked for is read to know whether a next page (and so a cursor) exists.
 */
final class InstanceListing {
  private final StringBuilder where =
      new StringBuilder(" WHERE account_id = ? AND workflow_name = ?");
  private final List<Object> values = new ArrayList<>();

  /** The creation sequence the pages are ordered by, as the query's index holds it. */
  private final String order;

  private InstanceListing(SqlDialect dialect, InstanceQuery q) {
    this.order = q.status().isPresent() ? dialect.orderWithinStatus() : "seq";
    values.add(q.workflow().accountId());
    values.add(q.workflow().workflowName());
    q.status().ifPresent(s -> filter(" AND status = ?", WireNames.status(s)));
    q.createdFrom().ifPresent(t -> filter(" AND created_on >= ?", t));
    q.createdTo().ifPresent(t -> filter(" AND created_on <= ?", t));
  }

  private void filter(String clause, Object value) {
    where.append(clause);
    values.add(value);
  }

  static Page<Instance> run(Connection c, SqlDialect dialect, InstanceQuery q) throws SQLException {
    return new InstanceListing(dialect, q).page(c, q, total(c, dialect, q));
  }

  /**
   * How many instances match, for result_info. Without a time filter, the kept per-status counts
   * (V6) answer in a few rows; a time filter counts the matching rows.
   */
  private static long total(Connection c, SqlDialect dialect, InstanceQuery q) throws SQLException {
    InstanceListing listing = new InstanceListing(dialect, q);
    if (q.createdFrom().isPresent() || q.createdTo().isPresent()) {
      return Columns.count(
          c, "SELECT COUNT(*) FROM instance" + listing.where, listing.values.toArray());
    }
    // without a time filter the conditions name only columns the count tables have too
    List<Object> twice = new ArrayList<>(listing.values);
    twice.addAll(listing.values);
    return Columns.count(
        c,
        "SELECT COALESCE(SUM(n), 0) FROM (SELECT n FROM instance_count"
            + listing.where
            + " UNION ALL SELECT n FROM instance_count_delta"
            + listing.where
            + ") counts",
        twice.toArray());
  }

  /** A page's query: its SQL and the values of its parameters, in order. */
  record PageQuery(String sql, List<Object> values) {}

  /** The query that reads the page {@code q} asks for, plus one row. */
  static PageQuery pageQuery(SqlDialect dialect, InstanceQuery q) {
    return new InstanceListing(dialect, q).pageQuery(q);
  }

  private PageQuery pageQuery(InstanceQuery q) {
    q.afterSeq().ifPresent(seq -> filter(" AND " + order + (q.ascending() ? " > ?" : " < ?"), seq));
    String sql =
        InstanceRows.COLUMNS
            + where
            + " ORDER BY "
            + order
            + (q.ascending() ? " ASC" : " DESC")
            + " LIMIT ? OFFSET ?";
    values.add(q.limit() + 1);
    values.add(q.offset());
    return new PageQuery(sql, List.copyOf(values));
  }

  private Page<Instance> page(Connection c, InstanceQuery q, long total) throws SQLException {
    PageQuery query = pageQuery(q);
    List<Instance> items = new ArrayList<>();
    try (PreparedStatement ps = bind(c.prepareStatement(query.sql()), query.values().toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        items.add(InstanceRows.instance(rs));
      }
    }
    if (items.size() <= q.limit()) {
      return new Page<>(items, total, null);
    }
    List<Instance> shown = items.subList(0, q.limit());
    return new Page<>(List.copyOf(shown), total, Long.toString(shown.getLast().seq()));
  }
}
