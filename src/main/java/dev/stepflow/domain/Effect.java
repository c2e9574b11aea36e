package dev.stepflow.domain;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Work a move asks for besides the status change itself. Effects are data, so the table stays
 * renderable and testable without an engine; each is carried out by exactly one handler in each
 * layer it names: the store writes it in the move's transaction ({@link Carrier#STORE}), the
 * runtime reacts to it once the move committed ({@link Carrier#RUNTIME}), or both. Those handlers
 * are exhaustive switches over this enum, and tests hold them to the carriers declared here. The
 * descriptions are rendered into generated-README.md.
 */
public enum Effect {
  STOP_AFTER_CURRENT_STEP(
      "The run lets its step attempt in flight finish and starts no new one, then settles into"
          + " paused (at once when no attempt is in flight).",
      Carrier.RUNTIME),
  CANCEL_PAUSE("A pending pause is withdrawn; the run goes on.", Carrier.RUNTIME),
  INTERRUPT_WAIT(
      "A sleep, event wait or retry backoff is interrupted: nothing wakes the instance any more."
          + " The step keeps its deadline for the resume.",
      Carrier.STORE),
  INTERRUPT_RUN(
      "The run is fenced off (a new run id: none of its writes commits any more) and stopped; a"
          + " step in flight is abandoned and its result never recorded.",
      Carrier.STORE,
      Carrier.RUNTIME),
  START_RUN("A new run starts on the claiming node, under its lease.", Carrier.STORE),
  COMPENSATE_TERMINATION(
      "Rollback handlers run in reverse step-start order because a client terminated the"
          + " instance with rollback; the engine starts them once no run holds the instance.",
      Carrier.STORE,
      Carrier.RUNTIME),
  COMPENSATE_FAILURE(
      "Rollback handlers run in reverse step-start order because the workflow failed; the"
          + " failing run runs them itself.",
      Carrier.STORE),
  WIPE_STEPS(
      "The recorded steps and buffered events are wiped. A restart from a step wipes that step,"
          + " every step that started after it, and the steps before it whose rollback handler"
          + " completed (their effects were undone, so they run again); it keeps the buffered"
          + " events.",
      Carrier.STORE),
  ENQUEUE(
      "The instance goes to the back of the run queue, and the engine looks for work.",
      Carrier.STORE,
      Carrier.RUNTIME),
  RECORD_TERMINATION("A termination entry is added to the instance's log.", Carrier.STORE),
  STAMP_PAUSE_START(
      "The pause begins now; its length is added to relative deadlines when the instance"
          + " resumes.",
      Carrier.STORE),
  CLEAR_STEP_ERROR(
      "The error of the step whose exhausted retries paused the instance (on_failure: pause) is"
          + " no longer shown on the instance; that step runs again with a fresh retry budget.",
      Carrier.STORE),
  SHIFT_DEADLINES_BY_PAUSE(
      "Sleeps, event-wait timeouts and retry delays move on by the time spent paused"
          + " (sleepUntil keeps its absolute time).",
      Carrier.STORE);

  /** A layer that carries effects out. */
  public enum Carrier {
    /** In the write transaction of the move. */
    STORE,
    /** On the node that runs the instance, once the move committed. */
    RUNTIME
  }

  private final String description;
  private final Set<Carrier> carriers;

  Effect(String description, Carrier first, Carrier... rest) {
    this.description = description;
    this.carriers = Collections.unmodifiableSet(EnumSet.of(first, rest));
  }

  /** What the effect does, in a sentence or two, for the docs. */
  public String description() {
    return description;
  }

  /** The layers whose handler carries this effect out. */
  public Set<Carrier> carriers() {
    return carriers;
  }

  public boolean carriedBy(Carrier carrier) {
    return carriers.contains(carrier);
  }
}
