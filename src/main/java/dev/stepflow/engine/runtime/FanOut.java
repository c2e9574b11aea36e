package dev.stepflow.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.workflow.Branch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code step.all}: the branches of one fan-out, each a do step, run at once on virtual threads.
 *
 * <p>The run's own thread prepares every branch first, in the order given (its identity, its
 * replayed result, or its step record started now), so counts and start order, and with them
 * restart-from and the order of rollback handlers, are the same on every replay whichever branch
 * ends first. Then each unfinished branch runs its attempts on its own virtual thread and
 * checkpoints on its own. A branch never ends the run: where a lone step would pause, suspend for a
 * retry delay or pause on failure, the branch stops ({@link BranchStop}), and once every branch has
 * settled the run's thread does it for the fan-out: a pause waits until every attempt in flight has
 * settled and starts no new one. A terminate interrupts the run's thread, which interrupts every
 * branch.
 */
final class FanOut {
  private static final ThreadLocal<Boolean> IN_BRANCH = ThreadLocal.withInitial(() -> false);

  /** True on the thread of a fan-out's branch. */
  static boolean inBranch() {
    return IN_BRANCH.get();
  }

  /** How one branch ended this time: a value, a failure to throw, or a stop for the fan-out. */
  private record Ended(JsonNode value, RuntimeException failure, Throwable stop) {}

  private final DurableStep step;
  private final RunContext run;

  FanOut(DurableStep step, RunContext run) {
    this.step = step;
    this.run = run;
  }

  List<JsonNode> all(List<Branch> branches) {
    int n = branches.size();
    JsonNode[] results = new JsonNode[n];
    RuntimeException[] failures = new RuntimeException[n];
    DurableStep.Prepared.ToRun[] toRun = new DurableStep.Prepared.ToRun[n];
    for (int i = 0; i < n; i++) {
      Branch b = branches.get(i);
      try {
        switch (step.prepare(b.name(), b.config(), b.fn(), b.rollback(), b.rollbackConfig())) {
          case DurableStep.Prepared.Done done -> results[i] = done.value();
          case DurableStep.Prepared.ToRun pending -> toRun[i] = pending;
        }
      } catch (RuntimeException replayedFailure) {
        failures[i] = replayedFailure;
      }
    }
    while (Arrays.stream(toRun).anyMatch(t -> t != null)) {
      Ended[] ended = runBranches(toRun);
      List<BranchStop> stops = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (ended[i] == null) {
          continue;
        }
        if (ended[i].stop() instanceof Unwind unwind) {
          throw unwind;
        }
        if (ended[i].stop() instanceof BranchStop stop) {
          stops.add(stop);
          toRun[i] = step.latest(toRun[i]);
          continue;
        }
        if (ended[i].stop() instanceof Error other) {
          throw other;
        }
        toRun[i] = null;
        results[i] = ended[i].value();
        failures[i] = ended[i].failure();
      }
      settleStops(stops);
    }
    for (RuntimeException failure : failures) {
      if (failure != null) {
        throw failure;
      }
    }
    return Arrays.asList(results);
  }

  /**
   * What the stopped branches ask of the run, once every branch has settled: pause on failure
   * first, then a pause, then a suspension until the earliest retry. A pause withdrawn meanwhile
   * returns, and the stopped branches run again.
   */
  private void settleStops(List<BranchStop> stops) {
    for (BranchStop stop : stops) {
      if (stop.kind == BranchStop.Kind.EXHAUSTED) {
        throw run.pauseAtStep(stop.exhausted, stop.errorName, stop.errorMessage);
      }
    }
    if (run.pauseRequested()) {
      run.settlePause();
    }
    Instant earliest = null;
    for (BranchStop stop : stops) {
      if (stop.kind == BranchStop.Kind.WAITS
          && (earliest == null || stop.wakeAt.isBefore(earliest))) {
        earliest = stop.wakeAt;
      }
    }
    if (earliest != null && earliest.isAfter(run.now())) {
      throw run.suspend(earliest, null);
    }
  }

  /** Runs the pending branches at once and waits for all; a terminate interrupts every one. */
  private Ended[] runBranches(DurableStep.Prepared.ToRun[] toRun) {
    Ended[] ended = new Ended[toRun.length];
    Thread[] threads = new Thread[toRun.length];
    for (int i = 0; i < toRun.length; i++) {
      if (toRun[i] == null) {
        continue;
      }
      int index = i;
      DurableStep.Prepared.ToRun branch = toRun[i];
      var work =
          LogFields.carried(
              () -> {
                IN_BRANCH.set(true);
                try {
                  ended[index] = new Ended(step.settle(branch), null, null);
                } catch (RuntimeException failure) {
                  ended[index] = new Ended(null, failure, null);
                } catch (Error stop) {
                  ended[index] = new Ended(null, null, stop);
                }
                return null;
              });
      Runnable body =
          () -> {
            try {
              work.call();
            } catch (Exception cannotHappen) {
              ended[index] = new Ended(null, new IllegalStateException(cannotHappen), null);
            }
          };
      threads[i] = Thread.ofVirtual().name("branch-" + branch.row().displayName()).start(body);
    }
    joinAll(threads);
    return ended;
  }

  private void joinAll(Thread[] threads) {
    try {
      for (Thread thread : threads) {
        if (thread != null) {
          thread.join();
        }
      }
    } catch (InterruptedException e) {
      // terminated or restarted: no branch result counts any more
      run.abort();
      for (Thread thread : threads) {
        if (thread != null) {
          thread.interrupt();
        }
      }
      for (Thread thread : threads) {
        if (thread != null) {
          joinUninterruptibly(thread);
        }
      }
      throw new Unwind(Unwind.Reason.ABORTED);
    }
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException again) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
