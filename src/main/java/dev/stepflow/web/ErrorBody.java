package dev.stepflow.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.domain.ErrorCode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The v4 failure envelope for answers given outside Jersey: {@code
 * {"success":false,"errors":[{code, message}],"messages":[sentence],"result":null}}.
 */
final class ErrorBody {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final HttpField JSON_TYPE =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");
  static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");

  private ErrorBody() {}

  static byte[] of(ErrorCode code, String message) {
    ObjectNode body = JSON.createObjectNode().put("success", false);
    body.putArray("errors").addObject().put("code", code.code()).put("message", code.key());
    body.putArray("messages").add(message);
    body.putNull("result");
    try {
      return JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }

  /** Answers {@code status} with the envelope of {@code code}; a HEAD answer has no body. */
  static void send(
      Response response,
      boolean head,
      int status,
      ErrorCode code,
      String message,
      Callback callback) {
    byte[] bytes = of(code, message);
    response.setStatus(status);
    response.getHeaders().put(JSON_TYPE);
    response.getHeaders().put(NO_STORE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(bytes), callback);
  }
}
