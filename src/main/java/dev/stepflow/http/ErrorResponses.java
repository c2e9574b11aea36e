package dev.stepflow.http;

import dev.stepflow.api.model.ErrorEnvelope;
import dev.stepflow.api.model.MessageObject;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.ErrorKind;
import dev.stepflow.domain.Problem;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Builds every failure response: the v4 envelope with one {code, key} per problem and one sentence
 * per problem in {@code messages}. 409s, 412s and 422s carry {@code x-should-retry: false} so
 * Cloudflare's SDK does not repeat a request that cannot succeed; the one 409 a retry resolves (an
 * idempotency key whose first request is still being answered) carries {@code true}.
 */
public final class ErrorResponses {
  private ErrorResponses() {}

  public static Response of(List<Problem> problems) {
    ErrorKind kind = problems.getFirst().code().kind();
    ErrorEnvelope body =
        new ErrorEnvelope(
            problems.stream().map(p -> new MessageObject(p.code().code(), p.code().key())).toList(),
            problems.stream().map(Problem::message).toList(),
            null,
            false);
    Response.ResponseBuilder response =
        Response.status(httpStatus(kind)).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
    switch (kind) {
      case CONFLICT, PRECONDITION_FAILED, UNPROCESSABLE ->
          response.header("x-should-retry", "false");
      case IN_PROGRESS -> response.header("x-should-retry", "true").header("Retry-After", "1");
      case UNAVAILABLE, RATE_LIMITED -> response.header("Retry-After", "1");
      case UNAUTHENTICATED -> response.header("WWW-Authenticate", "Bearer realm=\"stepflow\"");
      default -> {}
    }
    return response.build();
  }

  public static Response of(ErrorCode code, String message) {
    return of(List.of(new Problem(code, message)));
  }

  /** A failure with an HTTP status of its own (405, 406, 415) that has no code of its own. */
  public static Response withStatus(int status, ErrorCode code, String message) {
    Response base = of(code, message);
    return Response.fromResponse(base).status(status).build();
  }

  static int httpStatus(ErrorKind kind) {
    return switch (kind) {
      case INVALID -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT, IN_PROGRESS -> 409;
      case PRECONDITION_FAILED -> 412;
      case UNPROCESSABLE -> 422;
      case TOO_LARGE -> 413;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
    };
  }
}
