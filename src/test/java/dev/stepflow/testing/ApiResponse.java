package dev.stepflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** A response of the API under test: status, headers and the parsed JSON body. */
public record ApiResponse(int status, HttpHeaders headers, JsonNode body) {

  public JsonNode result() {
    return body.get("result");
  }

  /** The first error code, or -1 on success. */
  public int errorCode() {
    JsonNode errors = body.get("errors");
    return errors != null && errors.size() > 0 ? errors.get(0).get("code").asInt() : -1;
  }

  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }
}
