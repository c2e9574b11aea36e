package dev.stepflow.web;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Lets Jersey's Jetty container serve under a context path such as {@code /client/v4}. The
 * container takes its base URI from the context path but builds the request URI as that base
 * followed by the request's whole path, so every path would carry the context twice and match
 * nothing. Below this handler the request's URI holds only the path within the context; the context
 * path itself is unchanged, so Jersey's base URI stays {@code .../client/v4/}.
 */
final class PathInContext extends Handler.Wrapper {
  PathInContext(Handler jersey) {
    super(jersey);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    HttpURI inContext =
        HttpURI.build(request.getHttpURI()).path(pathInContext(request)).asImmutable();
    return super.handle(
        new Request.Wrapper(request) {
          @Override
          public HttpURI getHttpURI() {
            return inContext;
          }
        },
        response,
        callback);
  }

  /** The path below the context, raw (still percent-encoded), as Jersey expects to decode it. */
  private static String pathInContext(Request request) {
    String raw = request.getHttpURI().getPath();
    String context = Request.getContextPath(request);
    String below = raw.startsWith(context) ? raw.substring(context.length()) : raw;
    return below.isEmpty() ? "/" : below;
  }
}
