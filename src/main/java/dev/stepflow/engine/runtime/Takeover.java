package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Transitions;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.EngineStore.Classes;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.RunLease;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Takes over instances whose run has no live node: the node died or left (its lease ended), or the
 * run ended here without finishing the instance. Runs and rollbacks need the instance's workflow
 * class, so only those of classes this node has are taken over; the others wait for a node that has
 * theirs. Settling a pause runs no workflow code, so any node settles any. A run in progress is
 * replayed (a step whose checkpoint committed does not run again), a requested pause becomes
 * paused, and an interrupted or just requested rollback runs its handlers. Every takeover is a
 * compare-and-set on the run id that also checks the lease once more, so two nodes never both take
 * one instance, and a node that renewed its lease meanwhile keeps it.
 */
final class Takeover {
  private static final int BATCH = 10_000;

  /** Starts a run of a taken-over instance (the engine's launch). */
  interface Launcher {
    void launch(Candidate candidate, RunLease lease, Runner.Mode mode);
  }

  private final EngineStore store;
  private final NodeSettings node;
  private final ActiveRuns runs;
  private final Semaphore permits;
  private final Launcher launcher;
  private final Supplier<Classes> runnable;

  Takeover(
      EngineStore store,
      NodeSettings node,
      ActiveRuns runs,
      Semaphore permits,
      Launcher launcher,
      Supplier<Classes> runnable) {
    this.store = store;
    this.node = node;
    this.runs = runs;
    this.permits = permits;
    this.launcher = launcher;
    this.runnable = runnable;
  }

  /** What one takeover round took: runs in progress, pauses settled, rollbacks resumed. */
  record Taken(int runs, int pauses, int rollbacks) {}

  /**
   * Everything without a live lease, at once: runs in progress, pauses to settle, rollbacks. Leases
   * whose end is before {@code expiredBefore} count as ended.
   */
  Taken everything(Owner owner, Instant now, Instant expiredBefore) {
    int settled = settlePauses(owner, now, expiredBefore);
    int resumed = resumeRuns(owner, expiredBefore);
    int rollbacks = rollbacks(owner, expiredBefore);
    return new Taken(resumed, settled, rollbacks);
  }

  /**
   * Rollbacks without a run: just requested by terminate with rollback (on this node, whose run of
   * the instance has ended, or on a paused or waiting instance), or left by a node that is gone.
   */
  int rollbacks(Owner owner, Instant expiredBefore) {
    int started = 0;
    for (Candidate c :
        store.orphans(
            Status.ROLLING_BACK,
            expiredBefore,
            node.nodeId(),
            Optional.of(runnable.get()),
            BATCH)) {
      if (runs.contains(c.instance().seq()) || !permits.tryAcquire()) {
        continue; // this node's run of it is still unwinding; the next round takes it
      }
      if (start(c, Status.ROLLING_BACK, owner, expiredBefore, Runner.Mode.COMPENSATE)) {
        started++;
      }
    }
    return started;
  }

  private int resumeRuns(Owner owner, Instant expiredBefore) {
    int started = 0;
    for (Candidate c :
        store.orphans(Status.RUNNING, expiredBefore, null, Optional.of(runnable.get()), BATCH)) {
      if (!permits.tryAcquire()) {
        break;
      }
      if (runs.contains(c.instance().seq())) {
        permits.release(); // this node's own run, late with its renewal: it is not an orphan
        continue;
      }
      if (start(c, Status.RUNNING, owner, expiredBefore, Runner.Mode.EXECUTE)) {
        started++;
      }
    }
    return started;
  }

  /** Takes the instance over with a permit held; releases the permit when another node won. */
  private boolean start(
      Candidate c, Status expected, Owner owner, Instant expiredBefore, Runner.Mode mode) {
    var lease = store.takeOver(c.instance().seq(), c.runId(), expected, owner, expiredBefore);
    if (lease.isEmpty()) {
      permits.release();
      return false;
    }
    launcher.launch(c, lease.get(), mode);
    return true;
  }

  /** A pause was requested while the lost run had a step in flight: it is paused now. */
  private int settlePauses(Owner owner, Instant now, Instant expiredBefore) {
    int settled = 0;
    for (Candidate c :
        store.orphans(Status.WAITING_FOR_PAUSE, expiredBefore, null, Optional.empty(), BATCH)) {
      if (runs.contains(c.instance().seq())) {
        continue;
      }
      if (Transitions.TABLE.decide(c.instance().status(), EngineEvent.STEPS_SETTLED)
              instanceof Decision.Move move
          && store
              .claim(c.instance().seq(), c.runId(), move, owner, expiredBefore, "engine", now)
              .isPresent()) {
        settled++;
      }
    }
    return settled;
  }
}
