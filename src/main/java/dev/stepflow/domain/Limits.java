package dev.stepflow.domain;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Size and id limits of DESIGN.md section 4 and reference/contract.md section 5. */
public final class Limits {
  /** Params, event payloads and step results: 1 MiB of JSON text. */
  public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

  public static final int MAX_BATCH = 100;

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

  public static boolean isReservedInstanceId(String id) {
    return RESERVED_ID.matcher(id).matches();
  }
}
