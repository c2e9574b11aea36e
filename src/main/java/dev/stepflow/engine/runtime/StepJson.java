package dev.stepflow.engine.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.stepflow.workflow.StepConfig;
import java.time.Instant;

/** JSON of what the engine records: step results, configs and attempts. */
final class StepJson {
  static final ObjectMapper MAPPER = JsonMapper.builder().addModule(new JavaTimeModule()).build();

  private StepJson() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(
          value instanceof JsonNode ? value : MAPPER.valueToTree(value));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new dev.stepflow.workflow.NonRetryableException(
          "The step result cannot be written as JSON: " + e.getMessage());
    }
  }

  static JsonNode read(String json) {
    if (json == null) {
      return NullNode.getInstance();
    }
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("recorded JSON is unreadable", e);
    }
  }

  static String config(StepConfig config) {
    ObjectNode node = MAPPER.createObjectNode();
    ObjectNode retries = node.putObject("retries");
    retries.put("limit", config.retryLimit());
    retries.put("delay", config.retryDelay().toMillis());
    retries.put("backoff", config.backoff().name().toLowerCase(java.util.Locale.ROOT));
    node.put("timeout", config.timeout().toMillis());
    return node.toString();
  }

  static ArrayNode attempts(String json) {
    JsonNode node = read(json);
    return node.isArray() ? (ArrayNode) node : MAPPER.createArrayNode();
  }

  static void addAttempt(
      ArrayNode attempts, Instant start, Instant end, String errorName, String errorMessage) {
    ObjectNode attempt = attempts.addObject();
    attempt.put("start", start.toString());
    attempt.put("end", end.toString());
    attempt.put("success", errorName == null);
    if (errorName == null) {
      attempt.putNull("error");
    } else {
      attempt.putObject("error").put("name", errorName).put("message", errorMessage);
    }
  }
}
