package dev.stepflow.engine.runtime;

import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Status;
import dev.stepflow.store.EngineStore.RunState;
import dev.stepflow.store.RunUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The runs working on instances in this process, each with its thread, and how a status move
 * reaches one of them: whichever node made the move ({@link EngineHooks#afterMove} here, a signal
 * from another), the run follows the instance's state in the store.
 */
final class ActiveRuns {
  /** A run and the thread it runs on. */
  record Active(RunContext run, Thread thread) {}

  private final Map<InstanceRef, Active> byInstance = new ConcurrentHashMap<>();

  void add(RunContext run, Thread thread) {
    byInstance.put(run.instance.ref(), new Active(run, thread));
  }

  /** Forgets {@code run}, unless a newer run of its instance took its place meanwhile. */
  void remove(RunContext run) {
    byInstance.computeIfPresent(run.instance.ref(), (k, a) -> a.run() == run ? null : a);
  }

  boolean contains(InstanceRef ref) {
    return byInstance.containsKey(ref);
  }

  int size() {
    return byInstance.size();
  }

  Optional<Active> get(InstanceRef ref) {
    return Optional.ofNullable(byInstance.get(ref));
  }

  /** The run of the instance with this seq; a linear search, as signals are rare. */
  Optional<Active> bySeq(long instanceSeq) {
    return byInstance.values().stream()
        .filter(a -> a.run().lease.instanceSeq() == instanceSeq)
        .findFirst();
  }

  List<Active> snapshot() {
    return List.copyOf(byInstance.values());
  }

  /**
   * Makes the run follow its instance as the store has it now, after a node's move: it stops when
   * the instance has a new run id or is gone, pauses after its step attempt when the instance waits
   * for that, and carries on when a pause was withdrawn. A late or repeated signal then does no
   * harm; the store's state at the run's next step boundary or checkpoint has the last word.
   */
  void follow(Active a, Optional<RunState> state) {
    RunContext run = a.run();
    if (state.isEmpty() || state.get().runId() != run.lease.runId()) {
      stop(a);
    } else if (RunContext.settlesIntoPause(state.get().status())) {
      requestPause(run);
    } else if (RunContext.carriesOn(state.get().status())) {
      run.cancelPause();
    }
  }

  /** With no step attempt in flight the pause takes effect at once; otherwise after the attempt. */
  private static void requestPause(RunContext run) {
    run.requestPause();
    if (!run.attemptInFlight()) {
      run.move(Status.WAITING_FOR_PAUSE, EngineEvent.STEPS_SETTLED, RunUpdate.none());
    }
  }

  /** The run stops at once: a step attempt in flight is abandoned and nothing more is recorded. */
  void stop(Active a) {
    a.run().abort();
    a.thread().interrupt();
  }

  void stopIf(Predicate<InstanceRef> which) {
    byInstance.forEach(
        (ref, a) -> {
          if (which.test(ref)) {
            stop(a);
          }
        });
  }

  /** Interrupts every run and waits up to {@code grace} for each to unwind. */
  void interruptAllAndWait(Duration grace) {
    List<Active> running = snapshot();
    running.forEach(a -> a.thread().interrupt());
    for (Active a : running) {
      try {
        a.thread().join(grace);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
