package dev.stepflow.domain;

/**
 * Work a transition asks of the store and the engine besides the status change itself. Effects are
 * data so the table stays renderable and testable without an engine.
 */
public enum Effect {
  /**
   * Let step attempts in flight finish and start no new one; the engine then reports STEPS_SETTLED.
   */
  STOP_AFTER_CURRENT_STEP,
  /** A pending pause is withdrawn; the run goes on. */
  CANCEL_PAUSE,
  /** A sleep, event wait or retry backoff is interrupted; its deadline is kept for the resume. */
  INTERRUPT_WAIT,
  /**
   * The running code is interrupted; a step in flight is abandoned and its result never recorded.
   */
  INTERRUPT_RUN,
  /** Rollback handlers run in reverse step-start order. */
  RUN_COMPENSATIONS,
  /** All recorded steps (or those from the restart step on) and buffered events are wiped. */
  WIPE_STEPS,
  /** The instance goes to the back of the run queue. */
  ENQUEUE,
  /** A termination entry is added to the instance's log. */
  RECORD_TERMINATION,
  /** The pause begins now; its length is added to relative deadlines when the instance resumes. */
  STAMP_PAUSE_START,
  /** Sleeps, event-wait timeouts and retry delays move on by the time spent paused. */
  SHIFT_DEADLINES_BY_PAUSE
}
