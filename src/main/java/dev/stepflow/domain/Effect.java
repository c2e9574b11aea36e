package dev.stepflow.domain;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Work a move asks for besides the status change itself. Effects are data, so the table stays
 * renderable and testable without an engine; each is carried out by exactly one handler in each
 * layer it names: the store writes it in the move's transaction ({@link Carrier#STORE}), the
 * runtime reacts to it once the move committed ({@link Carrier#RUNTIME}), or both. Those handlers
 * are exhaustive switches over this enum, and tests hold them to the carriers declared here.
 */
public enum Effect {
  /**
   * The run lets its step attempt in flight finish and starts no new one, then settles into paused
   * (at once when no attempt is in flight).
   */
  STOP_AFTER_CURRENT_STEP(Carrier.RUNTIME),
  /** A pending pause is withdrawn; the run goes on. */
  CANCEL_PAUSE(Carrier.RUNTIME),
  /**
   * A sleep, event wait or retry backoff is interrupted: nothing wakes the instance any more. The
   * step keeps its deadline for the resume.
   */
  INTERRUPT_WAIT(Carrier.STORE),
  /**
   * The run is fenced off (a new run id: none of its writes commits any more) and stopped; a step
   * in flight is abandoned and its result never recorded.
   */
  INTERRUPT_RUN(Carrier.STORE, Carrier.RUNTIME),
  /** A new run starts on the claiming node, under its lease. */
  START_RUN(Carrier.STORE),
  /**
   * Rollback handlers run in reverse step-start order because a client terminated the instance with
   * rollback; the engine starts them once no run holds the instance.
   */
  COMPENSATE_TERMINATION(Carrier.STORE, Carrier.RUNTIME),
  /** Rollback handlers run because the workflow failed; the failing run runs them itself. */
  COMPENSATE_FAILURE(Carrier.STORE),
  /** All recorded steps (or those from the restart step on) and buffered events are wiped. */
  WIPE_STEPS(Carrier.STORE),
  /** The instance goes to the back of the run queue, and the engine looks for work. */
  ENQUEUE(Carrier.STORE, Carrier.RUNTIME),
  /** A termination entry is added to the instance's log. */
  RECORD_TERMINATION(Carrier.STORE),
  /** The pause begins now; its length is added to relative deadlines when the instance resumes. */
  STAMP_PAUSE_START(Carrier.STORE),
  /** Sleeps, event-wait timeouts and retry delays move on by the time spent paused. */
  SHIFT_DEADLINES_BY_PAUSE(Carrier.STORE);

  /** A layer that carries effects out. */
  public enum Carrier {
    /** In the write transaction of the move. */
    STORE,
    /** On the node that runs the instance, once the move committed. */
    RUNTIME
  }

  private final Set<Carrier> carriers;

  Effect(Carrier first, Carrier... rest) {
    this.carriers = Collections.unmodifiableSet(EnumSet.of(first, rest));
  }

  /** The layers whose handler carries this effect out. */
  public Set<Carrier> carriers() {
    return carriers;
  }

  public boolean carriedBy(Carrier carrier) {
    return carriers.contains(carrier);
  }
}
