package dev.stepflow.engine.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.stepflow.domain.Limits;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.json.JsonBuffers;
import dev.stepflow.workflow.NonRetryableException;
import dev.stepflow.workflow.StepConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * JSON of what the engine records: step results, configs and attempts. Dates and durations are
 * written as ISO-8601 strings ({@code "2026-12-02T10:15:30Z"}, {@code "PT30S"}), as a reader of the
 * step log expects them, not as Jackson's default epoch-second numbers.
 */
final class StepJson {
  static final ObjectMapper MAPPER =
      JsonMapper.builder(JsonBuffers.pooledFactory())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .build();

  /** A value written as JSON text, with its size in UTF-8 bytes. */
  record Written(String json, int bytes) {}

  /** The value's JSON is longer than the bound it was written with; nothing more was written. */
  static final class TooLarge extends RuntimeException {
    TooLarge() {
      super(null, null, false, false);
    }
  }

  private StepJson() {}

  /**
   * Writes {@code value} as JSON text of at most {@code maxBytes} UTF-8 bytes, stopping as soon as
   * it would be longer (throws {@link TooLarge}): a result of any size costs at most {@code
   * maxBytes} to refuse. A value that is not JSON throws a {@link NonRetryableException}.
   */
  static Written writeAtMost(Object value, int maxBytes) {
    BoundedBuffer out = new BoundedBuffer(maxBytes);
    try {
      MAPPER.writeValue(out, value instanceof JsonNode ? value : MAPPER.valueToTree(value));
    } catch (BoundedBuffer.Full e) {
      throw new TooLarge();
    } catch (IOException | IllegalArgumentException e) {
      throw new NonRetryableException(
          "The step result cannot be written as JSON: " + e.getMessage());
    }
    return new Written(out.text(), out.size());
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
    return text(node);
  }

  /**
   * {@code node} as JSON text, written with buffers from the shared pool ({@link JsonBuffers}):
   * {@code JsonNode.toString()} writes with Jackson's own mapper, whose buffers are per thread, and
   * each attempt of a step runs on a new virtual thread.
   */
  static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  static ArrayNode attempts(String json) {
    if (json == null || json.equals(StepRecord.NO_ATTEMPTS)) {
      // a step's first attempt: nothing to parse
      return MAPPER.createArrayNode();
    }
    JsonNode node = read(json);
    return node.isArray() ? (ArrayNode) node : MAPPER.createArrayNode();
  }

  /**
   * How many attempts the log records: the number of its last entry (entries are numbered since the
   * log is bounded; an older log without numbers kept every attempt).
   */
  static int attemptCount(ArrayNode attempts) {
    if (attempts.isEmpty()) {
      return 0;
    }
    JsonNode last = attempts.get(attempts.size() - 1);
    return last.has("attempt") ? last.get("attempt").asInt() : attempts.size();
  }

  /**
   * Appends the next attempt, numbered, and keeps the log bounded: past {@link
   * Limits#FIRST_ATTEMPTS_KEPT} + {@link Limits#LAST_ATTEMPTS_KEPT} entries the oldest of the last
   * ones goes, so the first attempts and the latest ones stay.
   */
  static void addAttempt(
      ArrayNode attempts, Instant start, Instant end, String errorName, String errorMessage) {
    int number = attemptCount(attempts) + 1;
    ObjectNode attempt = attempts.addObject();
    attempt.put("attempt", number);
    attempt.put("start", start.toString());
    attempt.put("end", end.toString());
    attempt.put("success", errorName == null);
    if (errorName == null) {
      attempt.putNull("error");
    } else {
      attempt
          .putObject("error")
          .put("name", errorName)
          .put("message", Limits.cutErrorMessage(errorMessage));
    }
    if (attempts.size() > Limits.FIRST_ATTEMPTS_KEPT + Limits.LAST_ATTEMPTS_KEPT) {
      attempts.remove(Limits.FIRST_ATTEMPTS_KEPT);
    }
  }

  /**
   * Collects what Jackson writes, refusing to grow past its bound with {@link Full}: an
   * IOException, which Jackson passes on as it is rather than wrapped.
   */
  private static final class BoundedBuffer extends OutputStream {
    static final class Full extends IOException {
      Full() {
        super(null, null);
      }
    }

    private static final int FIRST_SIZE = 256;

    private final int max;
    private byte[] bytes;
    private int size;

    BoundedBuffer(int max) {
      this.max = max;
      // most results are a few bytes: a buffer of the bound's size was a tenth of all allocation
      this.bytes = new byte[Math.min(max, FIRST_SIZE)];
    }

    @Override
    public void write(int b) throws Full {
      makeRoom(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws Full {
      makeRoom(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void makeRoom(int more) throws Full {
      long needed = size + (long) more;
      if (needed > max) {
        throw new Full();
      }
      if (needed > bytes.length) {
        bytes = Arrays.copyOf(bytes, (int) Math.min(max, Math.max(needed, 2L * bytes.length)));
      }
    }

    String text() {
      return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    int size() {
      return size;
    }
  }
}
