package dev.stepflow.domain;

import static dev.stepflow.domain.Action.PAUSE;
import static dev.stepflow.domain.Action.RESTART;
import static dev.stepflow.domain.Action.RESUME;
import static dev.stepflow.domain.Action.TERMINATE;
import static dev.stepflow.domain.Action.TERMINATE_WITH_ROLLBACK;
import static dev.stepflow.domain.Effect.CANCEL_PAUSE;
import static dev.stepflow.domain.Effect.CLEAR_STEP_ERROR;
import static dev.stepflow.domain.Effect.COMPENSATE_FAILURE;
import static dev.stepflow.domain.Effect.COMPENSATE_TERMINATION;
import static dev.stepflow.domain.Effect.ENQUEUE;
import static dev.stepflow.domain.Effect.INTERRUPT_RUN;
import static dev.stepflow.domain.Effect.INTERRUPT_WAIT;
import static dev.stepflow.domain.Effect.RECORD_TERMINATION;
import static dev.stepflow.domain.Effect.SHIFT_DEADLINES_BY_PAUSE;
import static dev.stepflow.domain.Effect.STAMP_PAUSE_START;
import static dev.stepflow.domain.Effect.START_RUN;
import static dev.stepflow.domain.Effect.STOP_AFTER_CURRENT_STEP;
import static dev.stepflow.domain.Effect.WIPE_STEPS;
import static dev.stepflow.domain.EngineEvent.FAILURE_COMPENSATED;
import static dev.stepflow.domain.EngineEvent.RUN_FAILED;
import static dev.stepflow.domain.EngineEvent.RUN_FAILED_WITH_COMPENSATIONS;
import static dev.stepflow.domain.EngineEvent.RUN_STARTED;
import static dev.stepflow.domain.EngineEvent.RUN_SUCCEEDED;
import static dev.stepflow.domain.EngineEvent.RUN_SUSPENDED;
import static dev.stepflow.domain.EngineEvent.STEPS_SETTLED;
import static dev.stepflow.domain.EngineEvent.STEP_EXHAUSTED;
import static dev.stepflow.domain.EngineEvent.TERMINATION_COMPENSATED;
import static dev.stepflow.domain.EngineEvent.WAIT_ENDED;
import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.ERRORED;
import static dev.stepflow.domain.Status.PAUSED;
import static dev.stepflow.domain.Status.QUEUED;
import static dev.stepflow.domain.Status.ROLLING_BACK;
import static dev.stepflow.domain.Status.RUNNING;
import static dev.stepflow.domain.Status.TERMINATED;
import static dev.stepflow.domain.Status.WAITING;
import static dev.stepflow.domain.Status.WAITING_FOR_PAUSE;

/**
 * THE transition table of Stepflow (DESIGN.md section 2). Every status rule is a row here; nothing
 * else in the code base compares statuses to decide what may happen. generated-README.md renders
 * it, and a test fails when that rendering is stale.
 */
public final class Transitions {

  // spotless:off  (one row per line reads as a table; the formatter would split every row in two)
  public static final TransitionTable TABLE =
      TransitionTable.startingAt(QUEUED)
          // queued: nothing has run yet, so rollback has nothing to compensate
          .on(QUEUED, PAUSE).moveTo(PAUSED, STAMP_PAUSE_START)
          .on(QUEUED, TERMINATE).moveTo(TERMINATED, RECORD_TERMINATION)
          .on(QUEUED, TERMINATE_WITH_ROLLBACK).moveTo(TERMINATED, RECORD_TERMINATION)
          .on(QUEUED, RESTART).moveTo(QUEUED, WIPE_STEPS, ENQUEUE)
          .on(QUEUED, RUN_STARTED).moveTo(RUNNING, START_RUN)
          // running
          .on(RUNNING, PAUSE).moveTo(WAITING_FOR_PAUSE, STOP_AFTER_CURRENT_STEP)
          .on(RUNNING, TERMINATE).moveTo(TERMINATED, INTERRUPT_RUN, RECORD_TERMINATION)
          .on(RUNNING, TERMINATE_WITH_ROLLBACK)
              .moveTo(ROLLING_BACK, INTERRUPT_RUN, COMPENSATE_TERMINATION, RECORD_TERMINATION)
          .on(RUNNING, RESTART).moveTo(QUEUED, INTERRUPT_RUN, WIPE_STEPS, ENQUEUE)
          .on(RUNNING, RUN_SUSPENDED).moveTo(WAITING)
          .on(RUNNING, RUN_SUCCEEDED).moveTo(COMPLETE)
          .on(RUNNING, RUN_FAILED).moveTo(ERRORED)
          .on(RUNNING, RUN_FAILED_WITH_COMPENSATIONS).moveTo(ROLLING_BACK, COMPENSATE_FAILURE)
          // on_failure: pause; the step's error stays visible and nothing is compensated
          .on(RUNNING, STEP_EXHAUSTED).moveTo(PAUSED, STAMP_PAUSE_START)
          // waiting: sleeping, waiting for an event, or backing off before a retry
          .on(WAITING, PAUSE).moveTo(PAUSED, INTERRUPT_WAIT, STAMP_PAUSE_START)
          .on(WAITING, TERMINATE).moveTo(TERMINATED, INTERRUPT_RUN, RECORD_TERMINATION)
          .on(WAITING, TERMINATE_WITH_ROLLBACK)
              .moveTo(ROLLING_BACK, INTERRUPT_RUN, COMPENSATE_TERMINATION, RECORD_TERMINATION)
          .on(WAITING, RESTART).moveTo(QUEUED, INTERRUPT_RUN, WIPE_STEPS, ENQUEUE)
          .on(WAITING, WAIT_ENDED).moveTo(RUNNING, START_RUN)
          // waitingForPause: a step attempt is in flight and will be the last before the pause
          .on(WAITING_FOR_PAUSE, PAUSE).noOp()
          .on(WAITING_FOR_PAUSE, RESUME).moveTo(RUNNING, CANCEL_PAUSE)
          .on(WAITING_FOR_PAUSE, TERMINATE).moveTo(TERMINATED, INTERRUPT_RUN, RECORD_TERMINATION)
          .on(WAITING_FOR_PAUSE, TERMINATE_WITH_ROLLBACK)
              .moveTo(ROLLING_BACK, INTERRUPT_RUN, COMPENSATE_TERMINATION, RECORD_TERMINATION)
          .on(WAITING_FOR_PAUSE, RESTART).moveTo(QUEUED, INTERRUPT_RUN, WIPE_STEPS, ENQUEUE)
          .on(WAITING_FOR_PAUSE, STEPS_SETTLED).moveTo(PAUSED, STAMP_PAUSE_START)
          .on(WAITING_FOR_PAUSE, STEP_EXHAUSTED).moveTo(PAUSED, STAMP_PAUSE_START)
          // paused
          .on(PAUSED, PAUSE).noOp()
          .on(PAUSED, RESUME).moveTo(QUEUED, ENQUEUE, SHIFT_DEADLINES_BY_PAUSE, CLEAR_STEP_ERROR)
          .on(PAUSED, TERMINATE).moveTo(TERMINATED, RECORD_TERMINATION)
          .on(PAUSED, TERMINATE_WITH_ROLLBACK)
              .moveTo(ROLLING_BACK, COMPENSATE_TERMINATION, RECORD_TERMINATION)
          .on(PAUSED, RESTART).moveTo(QUEUED, WIPE_STEPS, ENQUEUE)
          // rollingBack: compensation handlers are running; every client action is refused
          .on(ROLLING_BACK, FAILURE_COMPENSATED).moveTo(ERRORED)
          .on(ROLLING_BACK, TERMINATION_COMPENSATED).moveTo(TERMINATED)
          // finished instances can only be restarted
          .on(COMPLETE, RESTART).moveTo(QUEUED, WIPE_STEPS, ENQUEUE)
          .on(ERRORED, RESTART).moveTo(QUEUED, WIPE_STEPS, ENQUEUE)
          .on(TERMINATED, RESTART).moveTo(QUEUED, WIPE_STEPS, ENQUEUE)
          .terminalStatusesLeftOnlyBy(RESTART)
          // DELETE stops the instance's run: its compensations must not be cut short
          .deletionRefusedIn(ROLLING_BACK)
          .build();
  // spotless:on

  private Transitions() {}
}
