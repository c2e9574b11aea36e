package dev.stepflow.store;

/**
 * What the nodes sharing a store tell each other besides the data: that work may be due (instances
 * were created, an event was buffered), and that a client's status move of an instance committed,
 * whose effects the node running the instance must carry out (interrupt the run, pause after the
 * current step, withdraw a pause). The store sends them in the transaction of the change they
 * report, so a node hears of a change only once it has committed, and every node hears them, the
 * sender included.
 *
 * <p>Signals are hints: a node reads what changed from the store, so that late, repeated or
 * reordered signals do no harm. Delivery is not guaranteed either (a connection can break); {@link
 * Listener#resync} says when signals may have been missed, and the engine checks its runs against
 * the store regularly anyway. A store that only one node uses has nothing to tell: {@link #NONE}.
 */
public interface ClusterSignals extends AutoCloseable {

  /** Receives the signals, on a thread of the signals' own. */
  interface Listener {
    void workAvailable();

    /** A move whose effects the runtime carries out committed (on any node, this one included). */
    void moved(AppliedMove applied);

    /** Signals may have been missed: the state of every run should be checked against the store. */
    void resync();
  }

  ClusterSignals NONE =
      new ClusterSignals() {
        @Override
        public void listen(Listener listener) {}

        @Override
        public void close() {}
      };

  /** Starts delivering signals to {@code listener} until {@link #close}. */
  void listen(Listener listener);

  @Override
  void close();
}
