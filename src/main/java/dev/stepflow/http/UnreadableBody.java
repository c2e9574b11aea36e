package dev.stepflow.http;

import dev.stepflow.domain.ErrorCode;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request body that could not be read to its end: the client left mid-body, its chunked framing
 * broke, or it did not arrive within the idle or body timeout (408). In the resources, reading the
 * body is the only thing that throws {@link IOException}; the store's failures are its own type.
 * This is the client's doing, not the server's, so it is logged at DEBUG without a stack trace: a
 * client could otherwise fill the log by hanging up on purpose.
 */
public final class UnreadableBody implements ExceptionMapper<IOException> {
  private static final Logger log = LoggerFactory.getLogger(UnreadableBody.class);
  private static final int MAX_REASON_CHARS = 200;

  @Override
  public Response toResponse(IOException e) {
    log.debug("The request body could not be read: {}", e.toString());
    TimeoutException timeout = timeoutIn(e);
    if (timeout != null) {
      return ErrorResponses.withStatus(
          408,
          ErrorCode.INVALID,
          "The request body did not arrive in time (" + reason(timeout) + ").");
    }
    return ErrorResponses.of(
        ErrorCode.INVALID,
        "The request body could not be read to its end ("
            + reason(e)
            + "): the connection closed early or its framing is broken.");
  }

  private static TimeoutException timeoutIn(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof TimeoutException timeout) {
        return timeout;
      }
    }
    return null;
  }

  private static String reason(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String cut =
        message.length() > MAX_REASON_CHARS ? message.substring(0, MAX_REASON_CHARS) : message;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
