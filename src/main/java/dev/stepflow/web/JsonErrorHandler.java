package dev.stepflow.web;

import dev.stepflow.domain.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every answer Jetty gives on its own (bad framing, bad chunking, an over-long Content-Length, a
 * bad request line or percent-encoding, headers past the limit, the deadlines) in the v4 envelope
 * as JSON, whatever the client accepts, never HTML and never a stack trace. A protocol error Jetty
 * would answer with a 5xx (an unknown HTTP version, an unsupported transfer coding) is the client's
 * mistake and is answered 400. A handler's failure (Jersey's own mappers answer everything they
 * see, so this is a bug) is a 500 with an incident id in the log.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(JsonErrorHandler.class);

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Throwable cause = (Throwable) request.getAttribute(ERROR_EXCEPTION);
    String reason = (String) request.getAttribute(ERROR_MESSAGE);
    int status = response.getStatus();
    if (cause instanceof HttpException http) {
      status = http.getCode();
      reason = http.getReason();
    }
    boolean protocolError = cause instanceof HttpException || status < 500;
    if (protocolError && status >= 500) {
      status = HttpStatus.BAD_REQUEST_400;
    }
    if (cause instanceof HttpException && BodyWatch.http1(request)) {
      // Jetty closes the connection after a request it could not take (a bad URI, say) without
      // saying so; said, the client does not send its next request into a closed connection
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    String message;
    if (protocolError) {
      message = sentence(status, reason);
    } else {
      String incident = java.util.UUID.randomUUID().toString();
      log.error(
          "Unexpected failure of {} {}, incident {}",
          request.getMethod(),
          path(request),
          incident,
          cause);
      message = "The server failed to answer; the log names incident " + incident + ".";
    }
    // an error answer may have dropped the headers set before it; the id goes back on
    response
        .getHeaders()
        .put(
            RequestIds.HEADER,
            RequestIds.idFor(request.getHeaders().getValuesList(RequestIds.HEADER)));
    // the body a request refused here carries is read and dropped after the answer, so the
    // connection can serve the client's next request (see BodyWatch)
    Callback drainThenComplete =
        Callback.from(() -> BodyWatch.discardRest(request, callback), callback::failed);
    ErrorBody.send(
        response,
        "HEAD".equals(request.getMethod()),
        status,
        codeOf(status),
        message,
        drainThenComplete);
    return true;
  }

  /** The body of an answer Jetty gives before a request exists (the request line is unreadable). */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    int answered = status >= 500 ? HttpStatus.BAD_REQUEST_400 : status;
    fields.put(ErrorBody.JSON_TYPE);
    fields.put(RequestIds.HEADER, java.util.UUID.randomUUID().toString());
    return ByteBuffer.wrap(ErrorBody.of(codeOf(answered), sentence(answered, reason)));
  }

  static ErrorCode codeOf(int status) {
    return switch (status) {
      case 404 -> ErrorCode.NO_ROUTE;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413, 431 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 429 -> ErrorCode.RATE_LIMITED;
      default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID;
    };
  }

  private static String sentence(int status, String reason) {
    String detail = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
    String said = printable(detail);
    return switch (status) {
      case 408 -> "The request did not arrive in time: " + said + ".";
      case 413 -> "The request is too large: " + said + ".";
      case 431 ->
          "The request headers are too large or too many: "
              + said
              + ". Send fewer or smaller headers.";
      default -> "The request is not valid HTTP: " + said + ".";
    };
  }

  /** Jetty's reasons are short ASCII phrases; anything else from the wire is not echoed. */
  private static String printable(String text) {
    String cut = text.length() > 200 ? text.substring(0, 200) : text;
    byte[] ascii = cut.getBytes(StandardCharsets.US_ASCII);
    return new String(ascii, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static String path(Request request) {
    return printable(request.getHttpURI().getPath() == null ? "" : request.getHttpURI().getPath());
  }
}
