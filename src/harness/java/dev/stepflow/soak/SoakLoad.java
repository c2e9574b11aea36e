package dev.stepflow.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One round's mixed load: client threads send creates (single and batch), pause, resume, terminate
 * (with and without rollback), restart and events to the server until they are told to stop, have
 * sent their share of {@code maxRequests}, or the server stops answering (the kill). A thread that
 * gets no answer records the request as unanswered and stops: its server is gone. Every answer goes
 * to the {@link SoakLedger}; one the contract does not allow (a 5xx, a 404 for an instance the
 * server acknowledged, a 409 that invites a retry) is a problem.
 */
final class SoakLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

  private final ApiClient api;
  private final String wf;
  private final SoakLedger ledger;
  private final int round;
  private final int maxRequests;
  private final AtomicInteger creates;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  SoakLoad(
      ApiClient api, String wf, SoakLedger ledger, int round, int maxRequests, int maxCreates) {
    this.api = api;
    this.wf = wf;
    this.ledger = ledger;
    this.round = round;
    this.maxRequests = maxRequests;
    this.creates = new AtomicInteger(maxCreates);
  }

  void start(int clients, long seed) {
    for (int c = 0; c < clients; c++) {
      int client = c;
      Random random = new Random(seed * 31 + c);
      threads.add(
          Thread.ofPlatform()
              .name("soak-client-" + c)
              .start(() -> send(client, random, maxRequests / clients)));
    }
  }

  /** Tells the threads to stop and waits for them (bounded: every request has a timeout). */
  void stop() throws InterruptedException {
    stopped = true;
    for (Thread thread : threads) {
      if (!thread.join(JOIN_TIMEOUT)) {
        ledger.problems.add("client thread " + thread.getName() + " did not stop");
      }
    }
  }

  private void send(int client, Random random, int requests) {
    try {
      for (int k = 0; k < requests && !stopped; k++) {
        if (!sendOne(client, k, random)) {
          return;
        }
        Thread.sleep(random.nextInt(6));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | AssertionError e) {
      ledger.problems.add("round " + round + " client " + client + ": " + e);
    }
  }

  /** One random request; false when it got no answer (the server is gone). */
  private boolean sendOne(int client, int k, Random random) {
    int pick = random.nextInt(100);
    String id = ledger.anyInstance(random);
    if (id == null || pick < 25) {
      return creates.getAndDecrement() > 0 ? create(client, k, random) : true;
    }
    if (pick < 32) {
      return creates.getAndAdd(-4) > 0 ? createBatch(client, k, random) : true;
    }
    if (pick < 47) {
      String waiting = ledger.anyEventInstance(random);
      return waiting == null || event(waiting);
    }
    String[] action =
        switch (random.nextInt(10)) {
          case 0, 1, 2 -> new String[] {"pause", "{\"status\":\"pause\"}"};
          case 3, 4, 5 -> new String[] {"resume", "{\"status\":\"resume\"}"};
          case 6 -> new String[] {"terminate", "{\"status\":\"terminate\"}"};
          case 7 ->
              new String[] {"terminate+rollback", "{\"status\":\"terminate\",\"rollback\":true}"};
          default -> new String[] {"restart", "{\"status\":\"restart\"}"};
        };
    return changeStatus(id, action[0], action[1]);
  }

  private boolean create(int client, int k, Random random) {
    String id = "r%d-c%d-%d".formatted(round, client, k);
    SoakScript script = SoakScript.random(random);
    ObjectNode body = JSON.createObjectNode().put("instance_id", id);
    body.set("params", script.params());
    ApiResponse answer = call(() -> api.post(wf + "/instances", body.toString()));
    if (answer == null) {
      ledger.maybeCreated.put(id, script);
      return false;
    }
    return expect(answer, 200, "create " + id) && created(id, script);
  }

  private boolean createBatch(int client, int k, Random random) {
    ArrayNode batch = JSON.createArrayNode();
    Map<String, SoakScript> scripts = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 2 + random.nextInt(3); i++) {
      String id = "r%d-c%d-%d-b%d".formatted(round, client, k, i);
      SoakScript script = SoakScript.random(random);
      scripts.put(id, script);
      batch.addObject().put("instance_id", id).set("params", script.params());
    }
    ApiResponse answer = call(() -> api.post(wf + "/instances/batch", batch.toString()));
    if (answer == null) {
      ledger.maybeCreated.putAll(scripts);
      return false;
    }
    if (expect(answer, 200, "batch create " + scripts.keySet())) {
      scripts.forEach(this::created);
    }
    return true;
  }

  private boolean created(String id, SoakScript script) {
    ledger.acknowledged.incrementAndGet();
    ledger.created(id, script);
    return true;
  }

  private boolean changeStatus(String id, String action, String body) {
    ApiResponse answer = call(() -> api.patch(wf + "/instances/" + id + "/status", body));
    if (answer == null) {
      ledger.unanswered.add(new SoakLedger.Unanswered(id, action));
      return false;
    }
    if (answer.status() == 200) {
      ledger.acknowledged.incrementAndGet();
      ledger.changes.add(
          new SoakLedger.Change(
              id,
              action,
              answer.result().get("status").asText(),
              Instant.parse(answer.result().get("timestamp").asText())));
    } else {
      refused(answer, action + " " + id);
    }
    return true;
  }

  private boolean event(String id) {
    long n = ledger.eventNumbers.incrementAndGet();
    Instant sentAt = Instant.now();
    ApiResponse answer =
        call(() -> api.post(wf + "/instances/" + id + "/events/go", "{\"n\":" + n + "}"));
    if (answer == null) {
      return false;
    }
    if (answer.status() == 200) {
      ledger.acknowledged.incrementAndGet();
      ledger.events.add(new SoakLedger.Event(id, n, sentAt));
    } else {
      refused(answer, "event " + n + " to " + id);
    }
    return true;
  }

  /** A 409 that tells the client not to retry is the table's rejection; anything else is not. */
  private void refused(ApiResponse answer, String what) {
    if (answer.status() == 409 && "false".equals(answer.header("x-should-retry"))) {
      ledger.refused.incrementAndGet();
    } else {
      ledger.problems.add(
          "round " + round + ": " + what + " -> " + answer.status() + " " + answer.body());
    }
  }

  private boolean expect(ApiResponse answer, int status, String what) {
    if (answer.status() == status) {
      return true;
    }
    ledger.problems.add(
        "round " + round + ": " + what + " -> " + answer.status() + " " + answer.body());
    return false;
  }

  /** The answer, or null when the request got none because the connection failed. */
  private ApiResponse call(java.util.function.Supplier<ApiResponse> request) {
    ledger.sent.incrementAndGet();
    try {
      return request.get();
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof IOException) {
        return null;
      }
      throw e;
    }
  }
}
