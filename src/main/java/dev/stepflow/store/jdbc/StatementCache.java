package dev.stepflow.store.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the prepared statements of one connection that one thread at a time uses, so that code can
 * prepare, run and close a statement per call (try-with-resources) without paying for its
 * compilation each time. SQLite's driver compiles on every prepare, and a status change is a few
 * short statements, so compiling them would be a large share of its cost, paid on the one writer
 * thread that every write waits for. PostgreSQL's driver keeps its own cache, so only SQLite
 * connections are wrapped.
 *
 * <p>{@code prepareStatement(String)} answers the kept statement when it is free; closing it closes
 * the result set it gave (which resets the statement, ending its read) and clears its parameters
 * instead of closing it. A statement asked for again while in use (nested use of one query) is
 * prepared afresh and closed for real. Up to {@code capacity} statements are kept; the one used
 * least recently is closed when another one comes.
 */
public final class StatementCache {
  private final Connection connection;
  private final Map<String, Kept> kept;

  private StatementCache(Connection connection, int capacity) {
    this.connection = connection;
    this.kept =
        new LinkedHashMap<>(capacity, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
            if (size() <= capacity || eldest.getValue().inUse) {
              return false;
            }
            eldest.getValue().closeQuietly();
            return true;
          }
        };
  }

  /** {@code connection} with its prepared statements kept; closing it closes them too. */
  public static Connection wrap(Connection connection, int capacity) {
    StatementCache cache = new StatementCache(connection, capacity);
    return (Connection)
        Proxy.newProxyInstance(
            StatementCache.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            cache::onConnection);
  }

  private Object onConnection(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getName().equals("prepareStatement")
        && args != null
        && args.length == 1
        && args[0] instanceof String sql) {
      return prepare(sql);
    }
    if (method.getName().equals("close")) {
      kept.values().forEach(Kept::closeQuietly);
      kept.clear();
    }
    return invoke(connection, method, args);
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    Kept statement = kept.get(sql);
    if (statement != null && statement.inUse) {
      return connection.prepareStatement(sql);
    }
    if (statement == null) {
      statement = new Kept(connection.prepareStatement(sql));
      kept.put(sql, statement);
    }
    statement.inUse = true;
    return statement.view;
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** One kept statement, and the view of it that callers get and close. */
  private static final class Kept implements InvocationHandler {
    private final PreparedStatement statement;
    private final PreparedStatement view;
    private ResultSet lastResults;
    private boolean inUse;

    Kept(PreparedStatement statement) {
      this.statement = statement;
      this.view =
          (PreparedStatement)
              Proxy.newProxyInstance(
                  StatementCache.class.getClassLoader(),
                  new Class<?>[] {PreparedStatement.class},
                  this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close" -> {
          release();
          return null;
        }
        case "isClosed" -> {
          return !inUse || statement.isClosed();
        }
        default -> {
          Object result = StatementCache.invoke(statement, method, args);
          if (result instanceof ResultSet results) {
            lastResults = results;
          }
          return result;
        }
      }
    }

    private void release() throws SQLException {
      if (!inUse) {
        return;
      }
      inUse = false;
      try {
        if (lastResults != null) {
          lastResults.close();
        }
      } finally {
        lastResults = null;
        statement.clearParameters();
      }
    }

    void closeQuietly() {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // the statement is dropped either way; its connection reports real failures
      }
    }
  }
}
