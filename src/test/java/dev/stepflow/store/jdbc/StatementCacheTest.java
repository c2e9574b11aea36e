package dev.stepflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kept statements of a real SQLite connection (a file in WAL mode, as the store uses). */
class StatementCacheTest {
  @TempDir Path dir;
  private String url;
  private Connection cached;

  @BeforeEach
  void open() throws SQLException {
    url = "jdbc:sqlite:" + dir.resolve("t.db");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t (n INTEGER)");
      s.execute("INSERT INTO t VALUES (1), (2), (3)");
    }
    cached = StatementCache.wrap(DriverManager.getConnection(url), 2);
  }

  @AfterEach
  void close() throws SQLException {
    cached.close();
  }

  @Test
  void aClosedStatementIsHandedOutAgainWithItsParametersCleared() throws SQLException {
    PreparedStatement first = cached.prepareStatement("SELECT COUNT(*) FROM t WHERE n >= ?");
    first.setInt(1, 2);
    assertThat(count(first)).isEqualTo(2);
    first.close();

    PreparedStatement again = cached.prepareStatement("SELECT COUNT(*) FROM t WHERE n >= ?");
    assertThat(again).isSameAs(first);
    assertThat(count(again)).as("an unbound parameter is NULL: nothing matches").isZero();
    again.setInt(1, 1);
    assertThat(count(again)).isEqualTo(3);
    again.close();
  }

  @Test
  void aStatementAskedForWhileInUseIsASeparateOne() throws SQLException {
    String sql = "SELECT n FROM t ORDER BY n";
    try (PreparedStatement outer = cached.prepareStatement(sql);
        ResultSet rows = outer.executeQuery()) {
      rows.next();
      try (PreparedStatement inner = cached.prepareStatement(sql);
          ResultSet innerRows = inner.executeQuery()) {
        assertThat(inner).isNotSameAs(outer);
        innerRows.next();
        assertThat(innerRows.getInt(1)).isEqualTo(1);
      }
      rows.next();
      assertThat(rows.getInt(1)).as("the outer walk goes on undisturbed").isEqualTo(2);
    }
  }

  @Test
  void closingAStatementInTheMiddleOfItsResultsEndsItsRead() throws SQLException {
    PreparedStatement select = cached.prepareStatement("SELECT n FROM t");
    ResultSet rows = select.executeQuery();
    rows.next();
    select.close(); // the result set is left open by the caller: closing the statement ends it

    try (Connection other = DriverManager.getConnection(url);
        Statement s = other.createStatement()) {
      s.execute("INSERT INTO t VALUES (4)");
      try (ResultSet checkpoint = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        checkpoint.next();
        assertThat(checkpoint.getInt(1)).as("no reader holds an old snapshot: not busy").isZero();
      }
    }
  }

  @Test
  void theLeastRecentlyUsedStatementGoesWhenMoreThanCapacityAreKept() throws SQLException {
    PreparedStatement a = cached.prepareStatement("SELECT 1");
    a.close();
    cached.prepareStatement("SELECT 2").close();
    cached.prepareStatement("SELECT 3").close();

    PreparedStatement aAgain = cached.prepareStatement("SELECT 1");
    assertThat(aAgain).isNotSameAs(a);
    assertThat(count(aAgain)).isEqualTo(1);
    aAgain.close();
  }

  private static long count(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
