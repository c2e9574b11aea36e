package dev.stepflow.web;

import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * Gives every request an id, outermost, so that every answer carries it in {@code X-Request-Id}
 * (the API's, the health checks', the front's own refusals) and every line logged while the request
 * is handled names it (MDC field {@code requestId}). A caller's own well-formed {@code
 * X-Request-Id} is kept, so that its logs and ours can be joined; a malformed one (too long, or
 * with characters that would forge log fields) is replaced, as a missing one is, by a random UUID.
 * The request handed on carries the id in the same header, so the API records it without asking
 * again.
 */
public final class RequestIds extends Handler.Wrapper {
  /** The header of the request id, asked and answered. */
  public static final String HEADER = "X-Request-Id";

  /** The MDC field of the request id (the README's "Operating Stepflow" lists it). */
  public static final String MDC_FIELD = "requestId";

  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  public RequestIds(Handler next) {
    super(next);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String id = idFor(request.getHeaders().getValuesList(HEADER));
    response.getHeaders().put(HEADER, id);
    HttpFields headers = HttpFields.build(request.getHeaders()).put(HEADER, id).asImmutable();
    Request withId =
        new Request.Wrapper(request) {
          @Override
          public HttpFields getHeaders() {
            return headers;
          }
        };
    try (MDC.MDCCloseable ignored = MDC.putCloseable(MDC_FIELD, id)) {
      return super.handle(withId, response, callback);
    }
  }

  /** The caller's id if it sent exactly one well-formed id, else a new one. */
  static String idFor(java.util.List<String> sent) {
    if (sent.size() == 1 && WELL_FORMED.matcher(sent.getFirst()).matches()) {
      return sent.getFirst();
    }
    return UUID.randomUUID().toString();
  }
}
