package dev.stepflow.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON values the API carries opaquely (params, event payloads, outputs): stored as JSON text,
 * returned as JSON values.
 */
final class JsonValues {
  /**
   * Lenient reader for stored text and for strings that may hold JSON; it never sees raw requests.
   */
  private static final ObjectMapper TEXT =
      JsonMapper.builder()
          .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .build();

  private JsonValues() {}

  static String toText(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return TEXT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value is not serialisable as JSON", e);
    }
  }

  /**
   * Params as the client meant them: wrangler sends a JSON value, the SDK a string holding JSON. A
   * string that parses as JSON is taken as that JSON; any other string stays a string.
   */
  static String paramsText(Object params) {
    if (params instanceof String text) {
      try {
        return TEXT.writeValueAsString(TEXT.readTree(text));
      } catch (JsonProcessingException notJson) {
        return toText(text);
      }
    }
    return toText(params);
  }

  /** Reads JSON the engine recorded (step configs, attempts) into a contract model. */
  static <T> T read(String text, com.fasterxml.jackson.core.type.TypeReference<T> type) {
    if (text == null) {
      return null;
    }
    try {
      return TEXT.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("recorded JSON does not match the contract", e);
    }
  }

  static JsonNode fromText(String text) {
    if (text == null) {
      return null;
    }
    try {
      return TEXT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is unreadable", e);
    }
  }
}
