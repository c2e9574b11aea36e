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
  TOO_LARGE,
  RATE_LIMITED,
  UNAVAILABLE,
  INTERNAL
}
