package dev.stepflow.store.postgres;

import dev.stepflow.store.StoreUnavailable;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs database work again when it failed in a way that a new attempt may not: a lost connection
 * (SQLState class 08), a deadlock or serialization failure (40), a shortage of server resources
 * (53). The attempts are bounded, with jittered exponential backoff, because they run on HTTP
 * request paths; after the last one the caller gets {@link StoreUnavailable} (503).
 *
 * <p>Only work that certainly did not commit may be attempted again: a failed commit is not
 * reported here, since its transaction may have committed before the connection broke.
 */
final class TransientFaults {
  private static final Logger log = LoggerFactory.getLogger(TransientFaults.class);
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53");

  private final int attempts;
  private final long firstDelayMillis;

  /** An attempt of database work; its SQLExceptions are classified, anything else passes. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws SQLException;
  }

  TransientFaults(int attempts, long firstDelayMillis) {
    this.attempts = attempts;
    this.firstDelayMillis = firstDelayMillis;
  }

  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && state.length() >= 2
        && TRANSIENT_CLASSES.contains(state.substring(0, 2));
  }

  /** Runs {@code attempt}, again after a transient fault, at most {@code attempts} times. */
  <T> T retrying(String what, Attempt<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (SQLException e) {
        if (!isTransient(e) || n == attempts) {
          throw new StoreUnavailable(what, e);
        }
        log.warn(
            "Attempt {} of {} to {} failed with SQLState {} ({}); trying again",
            n,
            attempts,
            what,
            e.getSQLState(),
            e.getMessage());
        pause(n, what, e);
      }
    }
  }

  /** Full jitter: a random wait up to firstDelay * 2^(n-1). */
  private void pause(int n, String what, SQLException cause) {
    long bound = firstDelayMillis << (n - 1);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(bound + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailable(what + " (interrupted while waiting to try again)", cause);
    }
  }
}
