package dev.stepflow.domain;

/**
 * The status of a workflow instance. The wire names (queued, waitingForPause, ...) are mapped in
 * the http layer; the rules for moving between statuses live only in {@link Transitions#TABLE}.
 */
public enum Status {
  QUEUED,
  RUNNING,
  PAUSED,
  ERRORED,
  TERMINATED,
  COMPLETE,
  WAITING_FOR_PAUSE,
  WAITING,
  ROLLING_BACK;

  /**
   * running, waitingForPause and rollingBack: a run is working on the instance and holds one of the
   * engine's run slots (waiting instances hold none).
   */
  public boolean holdsRunSlot() {
    return this == RUNNING || this == WAITING_FOR_PAUSE || this == ROLLING_BACK;
  }

  /**
   * queued, running, waiting and rollingBack: the instance makes progress only by running its
   * workflow code (or its rollback handlers), so it needs a node that has its workflow class.
   * Paused and finished instances need none; a pending pause settles without code.
   */
  public boolean needsWorkflowCode() {
    return this == QUEUED || this == RUNNING || this == WAITING || this == ROLLING_BACK;
  }

  /**
   * complete, errored and terminated: the run is over and only the table's restart row leaves them.
   */
  public boolean isTerminal() {
    return this == COMPLETE || this == ERRORED || this == TERMINATED;
  }
}
