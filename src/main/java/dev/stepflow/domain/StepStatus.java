package dev.stepflow.domain;

/**
 * Where a recorded step stands: an attempt is in flight ({@code RUNNING}), it waits for its wake
 * time (a sleep, an event wait, or the backoff before a retry), or it finished. Wire names are in
 * {@link WireNames}.
 */
public enum StepStatus {
  RUNNING,
  WAITING,
  COMPLETE,
  ERRORED;

  /** A finished step replays its record instead of running again. */
  public boolean isFinished() {
    return this == COMPLETE || this == ERRORED;
  }
}
