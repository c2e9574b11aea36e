package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * {@link #CLIENTS} threads sending pause and resume, alternating per instance, until {@link
 * #MAX_REQUESTS} were sent, {@link #SEND_WINDOW} passed, or the server stopped answering. Each
 * thread owns the instances whose index is congruent to its own number, so it knows each of its
 * instances' status and every request it sends is a move.
 */
final class PatchLoad {
  static final int CLIENTS = 8;
  static final int MAX_REQUESTS = 2_000;
  static final Duration SEND_WINDOW = Duration.ofSeconds(20);

  /** An acknowledged (200) PATCH: what the answer said. */
  record Ack(String instanceId, String status, Instant timestamp) {
    ClientChange change() {
      return new ClientChange(status, timestamp);
    }
  }

  /** A PATCH that got no answer because the process died; {@code target} is the status it asked. */
  record Unacked(String instanceId, String target, long sentNanos) {}

  private final ApiClient api;
  private final String workflowPath;
  private final List<String> ids;
  private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
  private final List<Future<?>> running = new ArrayList<>();
  private final AtomicInteger tickets = new AtomicInteger();
  private final AtomicInteger acked = new AtomicInteger();
  private final AtomicInteger sending = new AtomicInteger();
  private final AtomicLong lastAckNanos = new AtomicLong();
  private final Map<String, List<Ack>> acks = new ConcurrentHashMap<>();
  private final Map<String, Unacked> unacked = new ConcurrentHashMap<>();
  private final Queue<String> problems = new ConcurrentLinkedQueue<>();
  private long startNanos;
  private volatile long endNanos;

  /** Load on the instances {@code ids} of the workflow at {@code workflowPath}. */
  PatchLoad(ApiClient api, String workflowPath, List<String> ids) {
    this.api = api;
    this.workflowPath = workflowPath;
    this.ids = ids;
    ids.forEach(id -> acks.put(id, new ArrayList<>()));
  }

  void start() {
    startNanos = System.nanoTime();
    long deadline = startNanos + SEND_WINDOW.toNanos();
    sending.set(CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      List<String> own =
          IntStream.range(0, ids.size())
              .filter(i -> i % CLIENTS == client)
              .mapToObj(ids::get)
              .toList();
      running.add(
          clients.submit(
              () -> {
                try {
                  send(own, deadline);
                } finally {
                  sending.decrementAndGet();
                }
              }));
    }
  }

  private void send(List<String> own, long deadline) {
    Map<String, Boolean> paused = new LinkedHashMap<>();
    own.forEach(id -> paused.put(id, false));
    for (int k = 0; System.nanoTime() < deadline; k++) {
      if (tickets.getAndIncrement() >= MAX_REQUESTS) {
        return;
      }
      String id = own.get(k % own.size());
      boolean pause = !paused.get(id);
      String target = pause ? "paused" : "queued";
      long sent = System.nanoTime();
      ApiResponse response;
      try {
        response =
            api.patch(
                workflowPath + "/instances/" + id + "/status",
                pause ? "{\"status\":\"pause\"}" : "{\"status\":\"resume\"}");
      } catch (IllegalStateException e) {
        if (e.getCause() instanceof IOException) {
          unacked.put(id, new Unacked(id, target, sent));
          return; // the server is gone: this thread's only unanswered request
        }
        throw e;
      } catch (AssertionError e) {
        problems.add(e.getMessage());
        return;
      }
      if (response.status() != 200 || !target.equals(response.result().get("status").asText())) {
        problems.add(
            id + " expected " + target + ", got " + response.status() + " " + response.body());
        return;
      }
      acks.get(id)
          .add(new Ack(id, target, Instant.parse(response.result().get("timestamp").asText())));
      paused.put(id, pause);
      lastAckNanos.set(System.nanoTime());
      acked.incrementAndGet();
    }
  }

  /** Waits for every client thread; they end by count, by time or at the first I/O error. */
  void awaitFinished() throws Exception {
    try {
      for (Future<?> client : running) {
        client.get(SEND_WINDOW.toSeconds() + 60, TimeUnit.SECONDS);
      }
    } finally {
      endNanos = System.nanoTime();
      clients.shutdownNow();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  int acked() {
    return acked.get();
  }

  int sendingClients() {
    return sending.get();
  }

  long lastAckNanos() {
    return lastAckNanos.get();
  }

  /** From the start until the last acknowledgement (or until now while running). */
  Duration elapsed() {
    long last = lastAckNanos.get();
    long end = endNanos != 0 && last != 0 ? last : System.nanoTime();
    return Duration.ofNanos(end - startNanos);
  }

  List<Ack> acks(String id) {
    return acks.get(id);
  }

  List<Unacked> unacknowledged() {
    return List.copyOf(unacked.values());
  }

  Optional<Unacked> unacknowledged(String id) {
    return Optional.ofNullable(unacked.get(id));
  }

  List<String> problems() {
    return List.copyOf(problems);
  }
}
