package dev.stepflow.web;

import dev.stepflow.domain.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The answers served outside Jersey: {@code GET /healthz} and the v4 404 envelope for every path
 * outside the base path, so no answer is ever Jetty's own page.
 */
final class FallbackHandlers {
  private static final byte[] HEALTHY =
      "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"status\":\"ok\"}}"
          .getBytes(StandardCharsets.UTF_8);

  private FallbackHandlers() {}

  /** {@code GET /healthz}: 200 while the server answers (liveness, no token). */
  static Handler health() {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
          ErrorBody.send(
              response,
              false,
              405,
              ErrorCode.METHOD_NOT_ALLOWED,
              "/healthz answers GET only.",
              callback);
          return true;
        }
        response.setStatus(200);
        response.getHeaders().put(ErrorBody.JSON_TYPE);
        response.getHeaders().put(ErrorBody.NO_STORE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, HEALTHY.length);
        response.write(true, ByteBuffer.wrap(head ? new byte[0] : HEALTHY), callback);
        return true;
      }
    };
  }

  /** Every path that no endpoint serves. */
  static Handler noRoute() {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        ErrorBody.send(
            response,
            request.getMethod().equals("HEAD"),
            404,
            ErrorCode.NO_ROUTE,
            "No endpoint serves this path; the API is under /client/v4.",
            callback);
        return true;
      }
    };
  }
}
