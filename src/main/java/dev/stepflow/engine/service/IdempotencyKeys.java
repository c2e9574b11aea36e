package dev.stepflow.engine.service;

import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.StoredAnswer;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.store.IdempotencyStore;
import dev.stepflow.store.IdempotencyStore.KeyHolder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Idempotency keys: the first request with a key of a caller claims it (in the store, so the claim
 * and the answer survive a restart), and a repeat gets the first answer instead of being applied
 * again. A key is claimed atomically, so of two concurrent requests with one key exactly one is
 * applied; the other is told to retry (409, {@code x-should-retry: true}) and then gets the kept
 * answer. A request with the same key and another fingerprint (method, path, body) is refused
 * (422).
 *
 * <p>A claim whose server process died before it kept an answer cannot tell whether its request was
 * applied: it is reported as such (409, {@code x-should-retry: false}), never applied again. On a
 * store only one server uses, a claim of another process is such a claim at once; on a shared store
 * another node may still be answering it, so it is reported so only after {@link #IN_FLIGHT_LIMIT}.
 */
public final class IdempotencyKeys {
  /** How long a key is kept after its first request. */
  public static final Duration KEPT = Duration.ofHours(24);

  /** Longer than any request takes to be answered (the stop grace is 5 s, bodies are 1 MiB). */
  static final Duration IN_FLIGHT_LIMIT = Duration.ofMinutes(1);

  /** The key format the spec gives: 1 to 255 characters a header carries unchanged. */
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:+/=-]{1,255}");

  private final IdempotencyStore store;
  private final Clock clock;
  private final boolean onlyServerOfStore;
  private final String process = UUID.randomUUID().toString();

  public IdempotencyKeys(IdempotencyStore store, Clock clock, boolean onlyServerOfStore) {
    this.store = store;
    this.clock = clock;
    this.onlyServerOfStore = onlyServerOfStore;
  }

  /** Throws a 400 naming what is wrong unless {@code key} is a well-formed key. */
  public static void requireWellFormed(String key) {
    if (!WELL_FORMED.matcher(key).matches()) {
      throw WorkflowException.invalid(
          "The Idempotency-Key must be 1 to 255 characters of A-Z a-z 0-9 . _ : + / = - (got "
              + (key.length() > 40 ? key.length() + " characters" : "'" + key + "'")
              + "); a UUID fits.");
    }
  }

  /**
   * Claims {@code key} of {@code caller} for the request {@code fingerprint}: empty when this
   * request holds it now and is to be answered (then {@link #keep} or {@link #release}), or the
   * kept answer of the first request to give instead. Throws 422 for another request's key, 409 for
   * one whose first request is still being answered or was cut short.
   */
  public Optional<StoredAnswer> claim(String caller, String key, String fingerprint) {
    requireWellFormed(key);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Optional<KeyHolder> held = store.claim(caller, key, fingerprint, process, now, now.plus(KEPT));
    if (held.isEmpty()) {
      return Optional.empty();
    }
    KeyHolder holder = held.get();
    if (!holder.fingerprint().equals(fingerprint)) {
      throw new WorkflowException(
          ErrorCode.IDEMPOTENCY_KEY_REUSED,
          "The Idempotency-Key '"
              + key
              + "' was used at "
              + holder.createdOn()
              + " for another request (another method, path or body); nothing was changed. Use"
              + " a new key for a new request.");
    }
    if (holder.answer().isPresent()) {
      return holder.answer();
    }
    if (cutShort(holder, now)) {
      throw new WorkflowException(
          ErrorCode.IDEMPOTENCY_OUTCOME_UNKNOWN,
          "The first request with Idempotency-Key '"
              + key
              + "' was cut short by a server stop at "
              + holder.createdOn()
              + ", and whether it was applied is unknown; nothing was changed now. Read the"
              + " instance, then act with a new key.");
    }
    throw new WorkflowException(
        ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
        "The first request with Idempotency-Key '"
            + key
            + "' is still being answered; retry in a moment to get its answer.");
  }

  private boolean cutShort(KeyHolder holder, Instant now) {
    if (holder.startedBy().equals(process)) {
      return false;
    }
    return onlyServerOfStore || holder.createdOn().plus(IN_FLIGHT_LIMIT).isBefore(now);
  }

  /** Keeps the answer of the request that holds {@code key}. */
  public void keep(String caller, String key, StoredAnswer answer) {
    store.keep(caller, key, answer);
  }

  /** Frees {@code key}: its request's answer is not one to repeat (a 5xx, a 429). */
  public void release(String caller, String key) {
    store.release(caller, key);
  }

  /** Deletes the expired keys; returns how many. */
  public int purgeExpired() {
    return store.purgeExpired(clock.instant());
  }
}
