package dev.stepflow.store;

import dev.stepflow.domain.StoredAnswer;
import java.time.Instant;
import java.util.Optional;

/**
 * Idempotency keys per caller: who holds a key, for which request, and the answer once there is
 * one. Claiming is atomic: of two requests that claim one key at once, exactly one gets it.
 */
public interface IdempotencyStore {

  /**
   * A key as stored: the request it was claimed for ({@code fingerprint}), the server process that
   * answers it ({@code startedBy}), when, and its answer once kept.
   */
  record KeyHolder(
      String fingerprint, String startedBy, Instant createdOn, Optional<StoredAnswer> answer) {}

  /**
   * Claims {@code key} of {@code caller} for the request {@code fingerprint}, if no unexpired claim
   * holds it (one that expired by {@code now} is replaced): empty when this call got it, else the
   * holder it found. One write transaction.
   */
  Optional<KeyHolder> claim(
      String caller,
      String key,
      String fingerprint,
      String startedBy,
      Instant now,
      Instant expiresOn);

  /** Keeps {@code answer} for the key this process claimed. */
  void keep(String caller, String key, StoredAnswer answer);

  /** Frees the key (its request failed in a way a retry may fix). */
  void release(String caller, String key);

  /** Deletes the keys expired by {@code now}; returns how many. */
  int purgeExpired(Instant now);
}
