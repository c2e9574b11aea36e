package dev.stepflow.domain;

/**
 * Who asks for a change, and why: {@code actor} is what the status history records ({@code
 * token:<id>}, or {@code bulk:<job id>} for the changes of a bulk job); {@code reason} is the
 * caller's reason, null for none. A bulk job passes the reason of the request that started it with
 * every change it applies; the job keeps the reason, and the status history keeps the actor.
 */
public record ChangeOrigin(String actor, String reason) {
  /** A reason longer than this is refused (400): the history is not a place for documents. */
  public static final int MAX_REASON_LENGTH = 1000;

  public ChangeOrigin {
    if (actor == null || actor.isEmpty()) {
      throw new IllegalArgumentException("a change needs an actor");
    }
  }

  /** An actor with no reason. */
  public static ChangeOrigin of(String actor) {
    return new ChangeOrigin(actor, null);
  }

  /** The same origin with {@code reason} (null or empty: none), checked as a caller's reason. */
  public ChangeOrigin withReason(String reason) {
    return new ChangeOrigin(actor, checkedReason(reason));
  }

  /**
   * {@code reason} if it is printable text of at most {@link #MAX_REASON_LENGTH} characters; null
   * for none or empty; else a 400 that says what is wrong. Control characters (line breaks, tabs,
   * escapes) are refused so that a reason cannot forge lines in a log or a terminal.
   */
  public static String checkedReason(String reason) {
    if (reason == null || reason.isEmpty()) {
      return null;
    }
    if (reason.length() > MAX_REASON_LENGTH) {
      throw WorkflowException.invalid(
          "The reason is "
              + reason.length()
              + " characters; at most "
              + MAX_REASON_LENGTH
              + " are allowed.");
    }
    for (int i = 0; i < reason.length(); i++) {
      if (Character.isISOControl(reason.charAt(i))) {
        throw WorkflowException.invalid(
            "The reason contains a control character at position "
                + i
                + "; send printable text on one line.");
      }
    }
    return reason;
  }
}
