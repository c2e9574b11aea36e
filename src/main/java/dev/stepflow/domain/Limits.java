package dev.stepflow.domain;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Size and id limits of DESIGN.md section 4 and reference/contract.md section 5. */
public final class Limits {
  /** Params, event payloads and step results: 1 MiB of JSON text. */
  public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

  public static final int MAX_BATCH = 100;

  /**
   * Persisted state per instance unless configured otherwise (Cloudflare's 100 MB): params, step
   * outputs, error messages and attempt logs, and the instance output, as UTF-8 JSON text.
   */
  public static final long DEFAULT_MAX_INSTANCE_STATE_BYTES = 100_000_000L;

  /** Error messages are recorded up to this many characters; a longer one is cut and marked. */
  public static final int MAX_ERROR_MESSAGE_CHARS = 1024;

  /** What ends an error message that was cut to {@link #MAX_ERROR_MESSAGE_CHARS}. */
  public static final String CUT_MESSAGE_MARK = "[truncated message]";

  /**
   * A step's attempt log keeps its first this many attempts (when it started to fail) and its last
   * {@link #LAST_ATTEMPTS_KEPT} (how it fails now), plus the number of attempts it made: a step
   * retried without end must not grow its record, and its instance's answer, without end.
   */
  public static final int FIRST_ATTEMPTS_KEPT = 5;

  public static final int LAST_ATTEMPTS_KEPT = 20;

  /** Ids of exactly {@code cf_} and 64 lowercase hex characters belong to the system. */
  private static final Pattern RESERVED_ID = Pattern.compile("^cf_[0-9a-f]{64}$");

  private Limits() {}

  /** Throws 413 when {@code json} is over {@link #MAX_PAYLOAD_BYTES}. */
  public static void requirePayloadSize(String what, String json) {
    if (json == null) {
      return;
    }
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PAYLOAD_BYTES) {
      throw WorkflowException.payloadTooLarge(what, bytes, MAX_PAYLOAD_BYTES);
    }
  }

  /** Batch operations take between 1 and {@link #MAX_BATCH} items. */
  public static void requireBatchSize(String what, int size) {
    if (size < 1 || size > MAX_BATCH) {
      throw WorkflowException.invalid(
          "A batch takes 1 to " + MAX_BATCH + " " + what + " (got " + size + ").");
    }
  }

  /**
   * {@code message} as it is recorded: unchanged up to {@link #MAX_ERROR_MESSAGE_CHARS} characters,
   * else cut to that length, ending with {@link #CUT_MESSAGE_MARK} (so cutting twice changes
   * nothing). Workflow code can raise an error with a message of any size; recording it whole would
   * let one failing step fill the store and every GET of its instance.
   */
  public static String cutErrorMessage(String message) {
    if (message == null || message.length() <= MAX_ERROR_MESSAGE_CHARS) {
      return message;
    }
    int end = MAX_ERROR_MESSAGE_CHARS - CUT_MESSAGE_MARK.length();
    if (Character.isHighSurrogate(message.charAt(end - 1))) {
      end--; // never split a character in two
    }
    return message.substring(0, end) + CUT_MESSAGE_MARK;
  }

  /** The UTF-8 size of {@code text} in bytes (0 for null), without encoding it. */
  public static long utf8Length(CharSequence text) {
    if (text == null) {
      return 0;
    }
    long bytes = 0;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  public static boolean isReservedInstanceId(String id) {
    return RESERVED_ID.matcher(id).matches();
  }
}
