package dev.stepflow.domain;

/**
 * The kind of a failure; the http layer maps each kind to one HTTP status with an exhaustive
 * switch.
 */
public enum ErrorKind {
  INVALID,
  UNAUTHENTICATED,
  FORBIDDEN,
  NOT_FOUND,
  CONFLICT,
  /** A condition the caller set (If-Match, if_status) does not hold: 412. */
  PRECONDITION_FAILED,
  /** Well-formed but unusable: an idempotency key reused for another request (422). */
  UNPROCESSABLE,
  /** The same request is being answered right now (an idempotency key in use): 409, retry. */
  IN_PROGRESS,
  TOO_LARGE,
  RATE_LIMITED,
  UNAVAILABLE,
  INTERNAL
}
