package dev.stepflow.store.postgres;

import dev.stepflow.store.ClusterSignals;
import dev.stepflow.store.jdbc.ClusterChannels;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterSignals} over PostgreSQL's LISTEN/NOTIFY: one connection of its own (outside the
 * pool: a pooled connection would carry the LISTEN to whoever borrows it next) waits for the
 * notifications the stores send in their write transactions and hands them to the listener. When
 * the connection breaks it reconnects, and tells the listener to resync, since notifications sent
 * meanwhile are lost.
 */
final class PostgresSignals implements ClusterSignals {
  private static final Logger log = LoggerFactory.getLogger(PostgresSignals.class);
  private static final int WAIT_MILLIS = 500;
  private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

  private final String url;
  private final Properties credentials;
  private volatile boolean closed;
  private volatile Connection connection;
  private Thread thread;

  PostgresSignals(String url, String user, String password) {
    this.url = url;
    this.credentials = new Properties();
    if (user != null) {
      credentials.setProperty("user", user);
    }
    if (password != null) {
      credentials.setProperty("password", password);
    }
    credentials.setProperty("ApplicationName", "stepflow-signals");
  }

  @Override
  public synchronized void listen(Listener listener) {
    if (thread != null) {
      throw new IllegalStateException("already listening");
    }
    thread =
        Thread.ofPlatform()
            .name("stepflow-signals")
            .daemon(true)
            .start(() -> listenUntilClosed(listener));
  }

  private void listenUntilClosed(Listener listener) {
    boolean reported = false;
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url, credentials)) {
        connection = c;
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + ClusterChannels.WORK);
          st.execute("LISTEN " + ClusterChannels.CONTROL);
        }
        if (reported) {
          log.info("Listening for other nodes' signals again");
        }
        reported = false;
        listener.resync();
        deliverUntilBroken(c.unwrap(PGConnection.class), listener);
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!reported) {
          log.warn(
              "Lost the connection that hears other nodes' signals; retrying every {} (runs are"
                  + " still checked against the database every second)",
              RECONNECT_DELAY,
              e);
          reported = true;
        }
        sleep(RECONNECT_DELAY);
      }
    }
  }

  private void deliverUntilBroken(PGConnection c, Listener listener) throws SQLException {
    while (!closed) {
      PGNotification[] received = c.getNotifications(WAIT_MILLIS);
      if (received == null) {
        continue;
      }
      for (PGNotification n : received) {
        deliver(n, listener);
      }
    }
  }

  private static void deliver(PGNotification n, Listener listener) {
    try {
      if (ClusterChannels.WORK.equals(n.getName())) {
        listener.workAvailable();
      } else if (ClusterChannels.CONTROL.equals(n.getName())) {
        ClusterChannels.parseMove(n.getParameter())
            .ifPresentOrElse(listener::moved, listener::resync);
      }
    } catch (RuntimeException e) {
      // one signal the engine could not apply must not stop the others; its check catches up
      log.error("Applying the signal {} {} failed", n.getName(), n.getParameter(), e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing is all that is wanted; a broken connection is closed already
      }
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
