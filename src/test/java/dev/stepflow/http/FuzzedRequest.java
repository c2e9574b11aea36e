package dev.stepflow.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One request the fuzz test sends; {@code body} is null for none. */
record FuzzedRequest(String method, String path, byte[] body, Map<String, String> headers) {
  String describe() {
    String shown =
        body == null
            ? "no body"
            : new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
    return method
        + " "
        + (path.length() > 300 ? path.substring(0, 300) + "..." : path)
        + " "
        + headers
        + " "
        + shown;
  }
}
