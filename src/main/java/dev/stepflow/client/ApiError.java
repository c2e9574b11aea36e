package dev.stepflow.client;

/**
 * One entry of the {@code errors} array of a v4 envelope, e.g. {@code {"code": 10400, "message":
 * "workflows.api.error.instance.not_found"}}.
 *
 * @param code the numeric error code (Cloudflare's codes: 10400 instance not found, 10405 instance
 *     already exists, 10000 authentication error, ...); 0 when the server sent none
 * @param message the message text, never null
 */
public record ApiError(int code, String message) {

  /** Normalises a missing message to the empty string. */
  public ApiError {
    message = message == null ? "" : message;
  }

  @Override
  public String toString() {
    return "[" + code + "] " + message;
  }
}
