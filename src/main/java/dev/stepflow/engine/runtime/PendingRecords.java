package dev.stepflow.engine.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs whose finished steps wait to be recorded with their next write ({@link
 * RunStore#recordWithNextWrite}). A run's next write normally follows within microseconds: the next
 * step's start, a sleep, the instance's end. When it does not come within {@link #WRITE_AFTER} (the
 * workflow's own code between two steps takes long, or the run stopped without another write), this
 * writes the records on their own, so that a step's result waits at most about twice that. When the
 * engine closes it writes every record still waiting, before the node gives its leases up.
 */
final class PendingRecords implements AutoCloseable {
  static final Duration WRITE_AFTER = Duration.ofMillis(50);

  private final Set<RunStore> waiting = ConcurrentHashMap.newKeySet();
  private final Repeating watch =
      new Repeating("stepflow-pending-records", WRITE_AFTER, this::writeWaitingLong);

  void start() {
    watch.start();
  }

  void add(RunStore run) {
    waiting.add(run);
  }

  void remove(RunStore run) {
    waiting.remove(run);
  }

  /**
   * Writes the records of the runs that have waited {@link #WRITE_AFTER} or longer, one run after
   * the other on this thread: rare, and a store too slow for them slows the runs' own writes too.
   */
  private void writeWaitingLong() {
    long since = System.nanoTime() - WRITE_AFTER.toNanos();
    for (RunStore run : waiting) {
      if (run.waitingSince() - since <= 0) {
        run.writeWaiting();
      }
    }
  }

  /** Writes every record still waiting, on the caller's thread: the engine closes. */
  void writeAll() {
    List.copyOf(waiting).forEach(RunStore::writeWaiting);
  }

  @Override
  public void close() {
    watch.close();
  }
}
