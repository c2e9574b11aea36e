package dev.stepflow.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.domain.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The answers served outside Jersey: {@code GET /healthz}, {@code GET /readyz}, {@code GET
 * /metrics} and the v4 404 envelope for every path outside the base path, so no answer is ever
 * Jetty's own page.
 */
final class FallbackHandlers {
  private static final byte[] HEALTHY =
      "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"status\":\"ok\"}}"
          .getBytes(StandardCharsets.UTF_8);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A readiness probe may try again in a second (the check's result is cached for less). */
  private static final PreEncodedHttpField RETRY_AFTER =
      new PreEncodedHttpField(HttpHeader.RETRY_AFTER, "1");

  private FallbackHandlers() {}

  /** {@code GET /healthz}: 200 while the server answers (liveness, no token). */
  static Handler health() {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        if (refusedUnlessGet(request, response, callback, "/healthz")) {
          return true;
        }
        boolean head = request.getMethod().equals("HEAD");
        sendOk(response, head, ErrorBody.JSON_TYPE, HEALTHY, callback);
        return true;
      }
    };
  }

  /**
   * {@code GET /readyz}: 200 with {@code {"ready":true, PART:"ok"...}} while every part of {@code
   * readiness} is ok, else 503 with the envelope's error and a sentence naming what is not ready
   * and why (no token). Blocking: the check may wait for the store, up to its own bound.
   */
  static Handler ready(Readiness readiness) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        if (refusedUnlessGet(request, response, callback, "/readyz")) {
          return true;
        }
        boolean head = request.getMethod().equals("HEAD");
        Readiness.Report report = readiness.check();
        if (!report.ready()) {
          response.getHeaders().put(RETRY_AFTER);
          ErrorBody.send(response, head, 503, ErrorCode.NOT_READY, report.problems(), callback);
          return true;
        }
        sendOk(response, head, ErrorBody.JSON_TYPE, readyBody(report), callback);
        return true;
      }
    };
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  private static final PreEncodedHttpField PROMETHEUS_TEXT =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");

  private static final PreEncodedHttpField BEARER_CHALLENGE =
      new PreEncodedHttpField(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"metrics\"");

  /**
   * {@code GET /metrics}: 200 with what {@code scrape} returns when {@code authorized} accepts the
   * request's {@code Authorization} header, else 401. Blocking: a scrape may read the store's kept
   * counts.
   */
  static Handler metrics(Supplier<String> scrape, Predicate<String> authorized) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        if (refusedUnlessGet(request, response, callback, "/metrics")) {
          return true;
        }
        if (!authorized.test(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
          response.getHeaders().put(BEARER_CHALLENGE);
          ErrorBody.send(
              response,
              request.getMethod().equals("HEAD"),
              401,
              ErrorCode.UNAUTHENTICATED,
              "/metrics needs the bearer token of --metrics-token-file.",
              callback);
          return true;
        }
        boolean head = request.getMethod().equals("HEAD");
        byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
        sendOk(response, head, PROMETHEUS_TEXT, body, callback);
        return true;
      }
    };
  }

  /**
   * These paths answer GET and HEAD only; anything else is told so with a 405 envelope. Returns
   * whether the request was answered that way.
   */
  static boolean refusedUnlessGet(
      Request request, Response response, Callback callback, String path) {
    String method = request.getMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return false;
    }
    ErrorBody.send(
        response, false, 405, ErrorCode.METHOD_NOT_ALLOWED, path + " answers GET only.", callback);
    return true;
  }

  /** 200 with {@code body} (its length only, for HEAD), never cached. */
  private static void sendOk(
      Response response, boolean head, HttpField type, byte[] body, Callback callback) {
    response.setStatus(200);
    response.getHeaders().put(type);
    response.getHeaders().put(ErrorBody.NO_STORE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(head ? new byte[0] : body), callback);
  }

  private static byte[] readyBody(Readiness.Report report) {
    ObjectNode body = JSON.createObjectNode().put("success", true);
    body.putArray("errors");
    body.putArray("messages");
    ObjectNode result = body.putObject("result").put("ready", true);
    report.parts().forEach(part -> result.put(part.name(), "ok"));
    try {
      return JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and booleans always serialises", e);
    }
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
