package dev.stepflow.domain;

/**
 * A status change a client asks for through PATCH .../status. Terminate with and without rollback
 * are distinct actions because they lead to different statuses; the table never picks a target from
 * data.
 */
public enum Action implements Trigger {
  PAUSE("pause", ErrorCode.CANNOT_PAUSE),
  RESUME("resume", ErrorCode.CANNOT_RESUME),
  TERMINATE("terminate", ErrorCode.CANNOT_TERMINATE),
  TERMINATE_WITH_ROLLBACK("terminate+rollback", ErrorCode.CANNOT_TERMINATE),
  RESTART("restart", ErrorCode.CANNOT_RESTART);

  private final String label;
  private final ErrorCode rejectedWith;

  Action(String label, ErrorCode rejectedWith) {
    this.label = label;
    this.rejectedWith = rejectedWith;
  }

  @Override
  public String label() {
    return label;
  }

  /** The error a client gets when the table rejects this action. */
  public ErrorCode rejectedWith() {
    return rejectedWith;
  }
}
