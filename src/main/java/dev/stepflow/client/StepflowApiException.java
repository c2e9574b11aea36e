package dev.stepflow.client;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The server answered, but not with success: an HTTP status outside 2xx, or an envelope whose
 * {@code success} is not {@code true}. Carries the HTTP status and the envelope's {@code errors}.
 *
 * <p>Thrown by every operation of {@link StepflowClient}. Catch it to react to a refusal (404 for
 * an unknown instance, 409 for an action the instance's status does not allow, 400 for a request
 * the server rejected, 401/403 for the token); the request is not retried by the client.
 */
public final class StepflowApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String method;
  private final URI uri;
  private final List<ApiError> errors;
  private final List<String> messages;

  StepflowApiException(
      String method,
      URI uri,
      int status,
      List<ApiError> errors,
      List<String> messages,
      String detail) {
    super(describe(method, uri, status, errors, messages, detail));
    this.method = method;
    this.uri = uri;
    this.status = status;
    this.errors = List.copyOf(errors);
    this.messages = List.copyOf(messages);
  }

  private static String describe(
      String method,
      URI uri,
      int status,
      List<ApiError> errors,
      List<String> messages,
      String detail) {
    String what =
        errors.isEmpty()
            ? detail
            : errors.stream().map(ApiError::toString).collect(Collectors.joining("; "));
    String why = messages.isEmpty() ? "" : " - " + String.join(" ", messages);
    return method + " " + uri + " answered HTTP " + status + ": " + what + why;
  }

  /** The HTTP status of the answer (200 when the envelope alone said it failed). */
  public int status() {
    return status;
  }

  /** The envelope's errors, in order; empty when the answer had none or was not JSON. */
  public List<ApiError> errors() {
    return errors;
  }

  /**
   * The envelope's {@code messages}: sentences that explain the errors to a person (Stepflow says
   * what was wrong and what is allowed); empty when there are none.
   */
  public List<String> messages() {
    return messages;
  }

  /** The code of the first error, or 0 when there is none. */
  public int firstCode() {
    return errors.isEmpty() ? 0 : errors.getFirst().code();
  }

  /** The HTTP method of the failed request. */
  public String method() {
    return method;
  }

  /** The URI of the failed request. */
  public URI uri() {
    return uri;
  }
}
