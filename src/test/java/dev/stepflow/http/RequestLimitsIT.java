package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.app.Config;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import dev.stepflow.web.HttpLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Instance-creation rate limits (429, 10429, Retry-After) and header limits, over HTTP: refused
 * requests change nothing and the server keeps serving everyone else.
 */
class RequestLimitsIT {
  /** 150 per second per account, 100 per workflow (Cloudflare's per-workflow rate). */
  @RegisterExtension
  static final TestServer server =
      TestServer.holdingQueue().withCreationRates(new Config.CreationRates(150, 100));

  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    api = server.client();
  }

  private static String workflow(String account, String name) {
    String path = "/client/v4/accounts/" + account + "/workflows/" + name;
    assertThat(api.put(path, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
    return path;
  }

  private static String batch(String prefix, int size) {
    return IntStream.range(0, size)
        .mapToObj(i -> "{\"instance_id\":\"" + prefix + i + "\"}")
        .collect(Collectors.joining(",", "[", "]"));
  }

  @Test
  void aWorkflowPastItsRateGets429AndNothingIsCreated() throws InterruptedException {
    String wf = workflow("rates", "w1");
    assertThat(api.post(wf + "/instances/batch", batch("a", 100)).status()).isEqualTo(200);
    ApiResponse refused = api.post(wf + "/instances/batch", batch("b", 100));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo(10429);
    assertThat(refused.body().get("messages").get(0).asText()).contains("workflow 'w1'");
    long retryAfter = Long.parseLong(refused.header("Retry-After"));
    assertThat(retryAfter).isBetween(1L, 2L);
    assertThat(api.get(wf + "/instances/b0").status()).isEqualTo(404);
    assertThat(
            api.get(wf + "/instances?per_page=1")
                .body()
                .get("result_info")
                .get("total_count")
                .asInt())
        .isEqualTo(100);
    // other accounts are served meanwhile
    String other = workflow("rates-other", "w1");
    assertThat(api.post(other + "/instances/batch", batch("o", 100)).status()).isEqualTo(200);
    Thread.sleep(Duration.ofSeconds(retryAfter).toMillis());
    assertThat(api.post(wf + "/instances/batch", batch("b", 100)).status()).isEqualTo(200);
  }

  @Test
  void theAccountRateSpansItsWorkflows() {
    String w1 = workflow("acct-rate", "w1");
    String w2 = workflow("acct-rate", "w2");
    assertThat(api.post(w1 + "/instances/batch", batch("x", 100)).status()).isEqualTo(200);
    ApiResponse refused = api.post(w2 + "/instances/batch", batch("y", 100));
    assertThat(refused.status()).as(refused.body().toString()).isEqualTo(429);
    assertThat(refused.body().get("messages").get(0).asText()).contains("account 'acct-rate'");
    assertThat(api.get(w2 + "/instances/y0").status()).isEqualTo(404);
  }

  @Test
  void racingCreatorsNeverGetMoreThanTheRateAllows() throws Exception {
    String wf = workflow("race", "w1");
    AtomicInteger created = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    int threads = 8;
    long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Map<Integer, Integer>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      results.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 2000 && System.nanoTime() < deadline; i++) {
                  String body = "{\"instance_id\":\"r" + next.getAndIncrement() + "\"}";
                  ApiResponse answer = api.post(wf + "/instances", body);
                  if (answer.status() == 200) {
                    created.incrementAndGet();
                  } else {
                    assertThat(answer.status()).isEqualTo(429);
                    assertThat(answer.errorCode()).isEqualTo(10429);
                    assertThat(answer.header("Retry-After")).matches("[1-9][0-9]*");
                    refused.incrementAndGet();
                  }
                }
                return Map.of();
              }));
    }
    for (Future<Map<Integer, Integer>> result : results) {
      result.get();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    System.out.printf(
        "RequestLimitsIT[race]: %d threads, %.2f s: %d created, %d refused with 429%n",
        threads, seconds, created.get(), refused.get());
    // the per-workflow bucket holds 100 and refills 100 per second
    assertThat(created.get()).isLessThanOrEqualTo((int) (100 + 100 * seconds) + 1);
    assertThat(created.get()).isGreaterThanOrEqualTo(100);
    assertThat(refused.get()).isPositive();
    assertThat(
            api.get(wf + "/instances?per_page=1")
                .body()
                .get("result_info")
                .get("total_count")
                .asInt())
        .isEqualTo(created.get());
  }

  @Test
  void headersPastTheLimitGet431AndTheServerKeepsServing() {
    ApiResponse refused =
        api.send(
            "GET",
            "/client/v4/accounts",
            null,
            null,
            Map.of("X-Padding", "a".repeat(HttpLimits.DEFAULT_MAX_HEADER_BYTES)));
    assertThat(refused.status()).isEqualTo(431);
    assertThat(refused.errorCode()).isEqualTo(10413);
    assertThat(refused.body().get("messages").get(0).asText()).contains("headers");
    assertThat(api.get("/client/v4/accounts").status()).isEqualTo(200);
  }

  @Test
  void anOverlongTokenIsRefusedWithout500() {
    ApiResponse refused = api.withToken("sfk_" + "x".repeat(5000)).get("/client/v4/accounts");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.errorCode()).isEqualTo(10000);
  }
}
