package dev.stepflow.engine.runtime;

import dev.stepflow.domain.InstanceRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** The runs working on instances in this process, each with its thread, by instance seq. */
final class ActiveRuns {
  /** A run and the thread it runs on. */
  record Active(RunContext run, Thread thread) {}

  private final Map<Long, Active> byInstance = new ConcurrentHashMap<>();

  void add(RunContext run, Thread thread) {
    byInstance.put(run.lease.instanceSeq(), new Active(run, thread));
  }

  /** Forgets {@code run}, unless a newer run of its instance took its place meanwhile. */
  void remove(RunContext run) {
    byInstance.computeIfPresent(run.lease.instanceSeq(), (k, a) -> a.run() == run ? null : a);
  }

  boolean contains(long instanceSeq) {
    return byInstance.containsKey(instanceSeq);
  }

  int size() {
    return byInstance.size();
  }

  /** The run of that very run id here, if it is active: never a newer run of the instance. */
  Optional<Active> run(long instanceSeq, long runId) {
    return Optional.ofNullable(byInstance.get(instanceSeq))
        .filter(a -> a.run().lease.runId() == runId);
  }

  List<Active> snapshot() {
    return List.copyOf(byInstance.values());
  }

  /** The run stops at once: a step attempt in flight is abandoned and nothing more is recorded. */
  void stop(Active a) {
    a.run().abort();
    a.thread().interrupt();
  }

  void stopIf(Predicate<InstanceRef> which) {
    byInstance
        .values()
        .forEach(
            a -> {
              if (which.test(a.run().instance.ref())) {
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
