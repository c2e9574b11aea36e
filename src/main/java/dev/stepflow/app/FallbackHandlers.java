package dev.stepflow.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The two answers served outside Jersey: {@code GET /healthz} and the v4 404 envelope for every
 * path outside the base path, so no response is ever the JDK server's own HTML.
 */
final class FallbackHandlers {
  private FallbackHandlers() {}

  static HttpHandler health() {
    return exchange -> {
      boolean get = exchange.getRequestMethod().equals("GET");
      String body =
          get
              ? "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"status\":\"ok\"}}"
              : envelope(7001, "Method not allowed", "/healthz answers GET only.");
      respond(exchange, get ? 200 : 405, body);
    };
  }

  static HttpHandler noRoute() {
    return exchange ->
        respond(
            exchange,
            404,
            envelope(
                7000,
                "No route for that URI",
                "No endpoint serves this path; the API is under /client/v4."));
  }

  private static String envelope(int code, String key, String message) {
    return "{\"success\":false,\"errors\":[{\"code\":"
        + code
        + ",\"message\":\""
        + key
        + "\"}],\"messages\":[\""
        + message
        + "\"],\"result\":null}";
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.skip(Long.MAX_VALUE);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
