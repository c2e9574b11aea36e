package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.execute;
import static dev.stepflow.store.jdbc.Columns.instant;

import dev.stepflow.domain.StoredAnswer;
import dev.stepflow.store.IdempotencyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link IdempotencyStore} in portable SQL over a {@link Database}. A claim is an insert that does
 * nothing when the key exists ({@code ON CONFLICT DO NOTHING}, SQLite and PostgreSQL alike): the
 * primary key decides which of two concurrent claims wins, on one node or many.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {
  private static final String DROP_EXPIRED_KEY =
      "DELETE FROM idempotency_key WHERE caller = ? AND idempotency_key = ? AND expires_on <= ?";
  private static final String CLAIM =
      """
      INSERT INTO idempotency_key (caller, idempotency_key, fingerprint, started_by, created_on,
                                   expires_on)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (caller, idempotency_key) DO NOTHING""";
  private static final String HOLDER =
      """
      SELECT fingerprint, started_by, created_on, response_status, response_headers, response_body
        FROM idempotency_key WHERE caller = ? AND idempotency_key = ?""";
  private static final String KEEP =
      """
      UPDATE idempotency_key SET response_status = ?, response_headers = ?, response_body = ?
       WHERE caller = ? AND idempotency_key = ?""";
  private static final String RELEASE =
      "DELETE FROM idempotency_key WHERE caller = ? AND idempotency_key = ?";
  private static final String PURGE = "DELETE FROM idempotency_key WHERE expires_on <= ?";

  private final Database db;

  public JdbcIdempotencyStore(Database db) {
    this.db = db;
  }

  @Override
  public Optional<KeyHolder> claim(
      String caller,
      String key,
      String fingerprint,
      String startedBy,
      Instant now,
      Instant expiresOn) {
    return db.write(
        c -> {
          execute(c, DROP_EXPIRED_KEY, caller, key, now);
          if (execute(c, CLAIM, caller, key, fingerprint, startedBy, now, expiresOn) == 1) {
            return Optional.<KeyHolder>empty();
          }
          return Optional.of(holder(c, caller, key));
        });
  }

  private static KeyHolder holder(Connection c, String caller, String key) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(HOLDER), caller, key);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("a key that refused a claim is gone within the claim");
      }
      Integer status = Columns.nullableInt(rs, "response_status");
      Optional<StoredAnswer> answer =
          status == null
              ? Optional.empty()
              : Optional.of(
                  new StoredAnswer(
                      status,
                      headers(rs.getString("response_headers")),
                      rs.getString("response_body")));
      return new KeyHolder(
          rs.getString("fingerprint"),
          rs.getString("started_by"),
          instant(rs, "created_on"),
          answer);
    }
  }

  @Override
  public void keep(String caller, String key, StoredAnswer answer) {
    db.write(
        c ->
            execute(
                c,
                KEEP,
                answer.status(),
                headerLines(answer.headers()),
                answer.body(),
                caller,
                key));
  }

  @Override
  public void release(String caller, String key) {
    db.write(c -> execute(c, RELEASE, caller, key));
  }

  @Override
  public int purgeExpired(Instant now) {
    return db.write(c -> execute(c, PURGE, now));
  }

  /** Headers as "Name: value" lines; the values are the server's own (no line breaks). */
  private static String headerLines(Map<String, String> headers) {
    StringBuilder lines = new StringBuilder();
    headers.forEach((name, value) -> lines.append(name).append(": ").append(value).append('\n'));
    return lines.toString();
  }

  private static Map<String, String> headers(String lines) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (lines == null) {
      return headers;
    }
    for (String line : lines.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        headers.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    return headers;
  }
}
