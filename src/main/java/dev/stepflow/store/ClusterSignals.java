package dev.stepflow.store;

import dev.stepflow.domain.Effect;
import java.util.Set;

/**
 * What the nodes sharing a store tell each other besides the data: that work may be due (instances
 * were created, an event was buffered), and the effects of a status move that the node running the
 * instance must apply (interrupt the run, pause after the current step, cancel a pause). The store
 * sends them in the transaction of the change they report, so a node hears of a change only once it
 * has committed, and every node hears them, the sender included.
 *
 * <p>Delivery is not guaranteed (a connection can break); {@link Listener#resync} says when signals
 * may have been missed, and the engine checks its runs against the store regularly anyway. A store
 * that only one node uses has nothing to tell: {@link #NONE}.
 */
public interface ClusterSignals extends AutoCloseable {

  /** Receives the signals, on a thread of the signals' own. */
  interface Listener {
    void workAvailable();

    /** A status move of instance {@code instanceSeq} with these effects committed. */
    void controlled(long instanceSeq, Set<Effect> effects);

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
