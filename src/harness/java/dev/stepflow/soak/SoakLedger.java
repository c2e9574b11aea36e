package dev.stepflow.soak;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the soak's clients asked for and what the server answered, over all rounds: the instances it
 * acknowledged (and those whose create got no answer because the process died), every acknowledged
 * status change with the status and time of the answer, every request that got no answer, and every
 * acknowledged event. Thread-safe: the client threads of a round write to it.
 */
final class SoakLedger {
  /** A status change answered 200: the action's label, the status and time of the answer. */
  record Change(String id, String action, String status, Instant at) {}

  /** A status change that got no answer: the process died while it was in flight. */
  record Unanswered(String id, String action) {}

  /** An event answered 200; {@code n} is in its payload and unique over the soak. */
  record Event(String id, long n, Instant sentAt) {}

  private static final int RECENT = 40;

  final Map<String, SoakScript> created = new ConcurrentHashMap<>();
  final Map<String, SoakScript> maybeCreated = new ConcurrentHashMap<>();
  final Queue<Change> changes = new ConcurrentLinkedQueue<>();
  final Queue<Unanswered> unanswered = new ConcurrentLinkedQueue<>();
  final Queue<Event> events = new ConcurrentLinkedQueue<>();
  final Queue<String> problems = new ConcurrentLinkedQueue<>();
  final AtomicLong sent = new AtomicLong();
  final AtomicLong acknowledged = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong eventNumbers = new AtomicLong();
  private final List<String> ids = new ArrayList<>();
  private final List<String> eventIds = new ArrayList<>();

  /** An instance the server acknowledged (or that the store showed after the kill). */
  void created(String id, SoakScript script) {
    created.put(id, script);
    maybeCreated.remove(id);
    synchronized (ids) {
      ids.add(id);
      if (script.waitsForEvent()) {
        eventIds.add(id);
      }
    }
  }

  /**
   * A known instance picked at random, or null when there is none yet; four times in five one of
   * the {@value #RECENT} newest, which are likely still running, so that actions meet live runs
   * rather than finished instances.
   */
  String anyInstance(Random random) {
    synchronized (ids) {
      if (ids.isEmpty()) {
        return null;
      }
      int from = random.nextInt(5) == 0 ? 0 : Math.max(0, ids.size() - RECENT);
      return ids.get(from + random.nextInt(ids.size() - from));
    }
  }

  /** A known instance that waits for events, picked at random, or null. */
  String anyEventInstance(Random random) {
    synchronized (ids) {
      return eventIds.isEmpty() ? null : eventIds.get(random.nextInt(eventIds.size()));
    }
  }

  List<String> instanceIds() {
    synchronized (ids) {
      return List.copyOf(ids);
    }
  }
}
