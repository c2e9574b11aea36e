package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Effect;
import dev.stepflow.store.AppliedMove;

/**
 * The runtime's handler of every {@link Effect}: what this node does once a move committed. One
 * case per effect; an effect that only the store carries out needs nothing here (a test holds this
 * switch to the carriers each effect declares). A reaction reaches the run the move concerned, by
 * its run id, and never a newer run of the instance; a run that is not here is some other node's,
 * which hears of the move itself.
 */
final class MoveReactions {
  private final ActiveRuns runs;
  private final Runnable wakeDispatcher;

  MoveReactions(ActiveRuns runs, Runnable wakeDispatcher) {
    this.runs = runs;
    this.wakeDispatcher = wakeDispatcher;
  }

  /** What this node does for {@code effect}; NONE when the store carried it out alone. */
  Reaction reactionTo(Effect effect) {
    return switch (effect) {
      case STOP_AFTER_CURRENT_STEP -> Reaction.PAUSE_AFTER_ATTEMPT;
      case CANCEL_PAUSE -> Reaction.WITHDRAW_PAUSE;
      case INTERRUPT_RUN -> Reaction.STOP_RUN;
      case ENQUEUE, COMPENSATE_TERMINATION -> Reaction.LOOK_FOR_WORK;
      case INTERRUPT_WAIT,
          START_RUN,
          COMPENSATE_FAILURE,
          WIPE_STEPS,
          RECORD_TERMINATION,
          STAMP_PAUSE_START,
          SHIFT_DEADLINES_BY_PAUSE,
          CLEAR_STEP_ERROR ->
          Reaction.NONE;
    };
  }

  /** Carries out the reactions to every effect of {@code applied}. */
  void react(AppliedMove applied) {
    for (Effect effect : applied.move().effects()) {
      react(reactionTo(effect), applied);
    }
  }

  private void react(Reaction reaction, AppliedMove applied) {
    switch (reaction) {
      case PAUSE_AFTER_ATTEMPT ->
          runs.run(applied.instanceSeq(), applied.runId())
              .ifPresent(a -> a.run().pauseAfterAttempt());
      case WITHDRAW_PAUSE ->
          runs.run(applied.instanceSeq(), applied.runId()).ifPresent(a -> a.run().cancelPause());
      case STOP_RUN -> runs.run(applied.instanceSeq(), applied.runId()).ifPresent(runs::stop);
      case LOOK_FOR_WORK -> wakeDispatcher.run();
      case NONE -> {
        // written by the store in the move's transaction
      }
    }
  }

  /** What the runtime can do about a move. */
  enum Reaction {
    /** The run finishes its step attempt in flight, then settles into paused. */
    PAUSE_AFTER_ATTEMPT,
    /** The run forgets a pause it was asked for and goes on. */
    WITHDRAW_PAUSE,
    /** The run stops at once; a step in flight is abandoned. */
    STOP_RUN,
    /** The dispatcher looks for work now: an instance to start, or a rollback to run. */
    LOOK_FOR_WORK,
    NONE
  }
}
