package dev.stepflow.engine.runtime;

import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.RunState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a second, compares the run id of every run active here with its instance's run id in the
 * store, and stops the runs whose instance has moved on: terminated, restarted, taken over by
 * another node or deleted. Their writes are fenced anyway; stopping them ends their step attempts
 * too. This is how such a change reaches this node when its signal did not (another node made it,
 * and the signal was lost, or a delete, which sends none), within a second.
 */
final class FenceWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FenceWatch.class);
  static final Duration EVERY = Duration.ofSeconds(1);

  private final EngineStore store;
  private final ActiveRuns runs;
  private final Repeating watch = new Repeating("stepflow-fence-watch", EVERY, this::checkNow);

  FenceWatch(EngineStore store, ActiveRuns runs) {
    this.store = store;
    this.runs = runs;
  }

  void start() {
    watch.start();
  }

  /** Stops every active run whose lease no longer matches its instance; safe from any thread. */
  void checkNow() {
    List<ActiveRuns.Active> active = runs.snapshot();
    if (active.isEmpty()) {
      return;
    }
    try {
      Map<Long, RunState> states =
          store.runStates(active.stream().map(a -> a.run().lease.instanceSeq()).toList());
      for (ActiveRuns.Active a : active) {
        RunState state = states.get(a.run().lease.instanceSeq());
        // run ids only grow: a run whose id is no longer the instance's can never write again
        if (state == null || state.runId() != a.run().lease.runId()) {
          log.debug("Stopping the run of {}: its instance moved on", a.run().instance.ref());
          runs.stop(a);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Could not check the runs against the store; trying again in {}", EVERY, e);
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
