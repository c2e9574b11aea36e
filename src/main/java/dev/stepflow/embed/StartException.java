package dev.stepflow.embed;

/**
 * A start that could not go on: the data folder is in use by another server, the port is taken, the
 * store cannot be opened. Nothing changed and nothing ran: whatever the start had opened was closed
 * before this was thrown, so a later start on the same folder and port works. The message is one
 * line: what failed, why, and what to do.
 */
public final class StartException extends RuntimeException {
  StartException(String message, Throwable cause) {
    super(message, cause);
  }
}
