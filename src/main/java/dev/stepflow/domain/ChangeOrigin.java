package dev.stepflow.domain;

/**
 * Who asks for a change, why, and in which request: what the status history and the audit log
 * record with it. {@code actor} is the stable id ({@code token:<id>}, {@code engine}, {@code
 * anonymous}); {@code actorName} the token's name at the time; {@code reason} the caller's {@code
 * X-Stepflow-Reason}; {@code requestId} the request's id. Only {@code actor} is always present.
 * Built by the http layer for clients' calls, and by whoever applies actions on a client's behalf
 * (a batch or bulk job passes the origin of the call that started it).
 */
public record ChangeOrigin(String actor, String actorName, String reason, String requestId) {
  /** The engine's own moves. */
  public static final ChangeOrigin ENGINE = of("engine");

  /** A reason longer than this is refused (400): the history is not a place for documents. */
  public static final int MAX_REASON_LENGTH = 1000;

  public ChangeOrigin {
    if (actor == null || actor.isEmpty()) {
      throw new IllegalArgumentException("a change needs an actor");
    }
  }

  /** An actor with no name, reason or request id (tests, internal callers). */
  public static ChangeOrigin of(String actor) {
    return new ChangeOrigin(actor, null, null, null);
  }

  /** The same origin with {@code reason} (null or empty: none), checked as a caller's reason. */
  public ChangeOrigin withReason(String reason) {
    return new ChangeOrigin(actor, actorName, checkedReason(reason), requestId);
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
