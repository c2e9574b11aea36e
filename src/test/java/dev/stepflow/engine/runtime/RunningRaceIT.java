package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.app.Config;
import dev.stepflow.app.StepflowServer;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StatusHistories;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients race conflicting pause, resume, terminate (with and without rollback), restart (with
 * and without a step) and events against instances whose steps, sleeps and event waits are running
 * in the engine. Every answer must be a success or a do-not-retry conflict, never a 5xx;
 * afterwards, every instance's status history must be a path through the transition table, every
 * success must be a row of it, and every instance must settle.
 */
class RunningRaceIT {
  private static final String ACCOUNT = "racing";
  private static final String WF = "/client/v4/accounts/" + ACCOUNT + "/workflows/busy";
  private static final int INSTANCES = 8;
  private static final int THREADS = 16;
  private static final int REQUESTS = 800;
  private static final Duration WINDOW = Duration.ofSeconds(60);

  /** Steps of a few ms with retries and rollback handlers, a sleep, and an event wait. */
  private static final String PARAMS =
      """
      {"steps":[
        {"do":"reserve","ms":15,"rollback":{"ms":5}},
        {"do":"charge","ms":25,"fail":1,"retries":{"limit":2,"delay":10,"backoff":"constant"},
         "rollback":{"ms":5}},
        {"sleep":"cool","ms":40},
        {"waitForEvent":"approval","type":"go","timeout_ms":300,"catch":true},
        {"do":"ship","ms":10}]}""";

  @TempDir Path dataDir;

  record Answer(String instanceId, String what, int code, String status, Instant at) {}

  @Test
  void racingControlWhileStepsRunKeepsEveryHistoryOnTheTable() throws Exception {
    long seed = Long.getLong("race.seed", new Random().nextLong());
    List<String> ids = IntStream.range(0, INSTANCES).mapToObj(i -> "r" + i).toList();
    List<Answer> answers = new ArrayList<>();
    Map<Integer, AtomicInteger> byCode = new ConcurrentHashMap<>();
    Map<String, String> unsettled = new LinkedHashMap<>();
    Path data = dataDir.resolve("data");
    try (StepflowServer server =
        StepflowServer.start(Config.of("127.0.0.1", 0, data, Durability.PROCESS_CRASH))) {
      ApiClient api = new ApiClient("http://127.0.0.1:" + server.port(), ApiClient.devToken(data));
      assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
          .isEqualTo(200);
      for (String id : ids) {
        assertThat(
                api.post(
                        WF + "/instances",
                        "{\"instance_id\":\"" + id + "\",\"params\":" + PARAMS + "}")
                    .status())
            .isEqualTo(200);
      }
      AtomicInteger next = new AtomicInteger();
      long deadline = System.nanoTime() + WINDOW.toNanos();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<List<Answer>>> work = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Random random = new Random(seed + t);
        work.add(
            pool.submit(
                () -> {
                  List<Answer> mine = new ArrayList<>();
                  while (next.getAndIncrement() < REQUESTS && System.nanoTime() < deadline) {
                    String id = ids.get(random.nextInt(ids.size()));
                    mine.add(send(api, id, random));
                    Thread.sleep(random.nextInt(5));
                  }
                  return mine;
                }));
      }
      for (Future<List<Answer>> f : work) {
        answers.addAll(f.get());
      }
      pool.shutdown();
      answers.forEach(
          a -> byCode.computeIfAbsent(a.code(), k -> new AtomicInteger()).incrementAndGet());
      // every instance settles: finished, paused, or waiting with nothing due (bounded)
      try {
        // well inside the lease (15 s), so a run lost by mistake cannot hide behind a takeover
        await()
            .atMost(Duration.ofSeconds(8))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> ids.stream().allMatch(id -> settled(api, id)));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        for (String id : ids) {
          if (!settled(api, id)) {
            unsettled.put(id, api.get(WF + "/instances/" + id).body().toString());
          }
        }
        // what the engine's threads are doing, virtual ones included, for the failure report
        Path dump = Path.of("target", "RunningRaceIT-threads-" + seed + ".txt");
        java.nio.file.Files.deleteIfExists(dump);
        java.lang.management.ManagementFactory.getPlatformMXBean(
                com.sun.management.HotSpotDiagnosticMXBean.class)
            .dumpThreads(
                dump.toAbsolutePath().toString(),
                com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
        unsettled.put("thread dump", dump.toAbsolutePath().toString());
      }
    }
    System.out.printf(
        "RunningRaceIT: %d requests from %d threads on %d running instances (seed %d): by code %s%n",
        answers.size(), THREADS, INSTANCES, seed, new TreeMap<>(byCode));

    assertThat(answers).hasSize(REQUESTS);
    assertThat(answers)
        .as("only successes and conflicts (seed %d)", seed)
        .allSatisfy(a -> assertThat(a.code()).as(a.toString()).isIn(200, 409));

    Map<String, List<StatusChange>> histories = new LinkedHashMap<>();
    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      for (String id : ids) {
        histories.put(id, store.history(new InstanceRef(ACCOUNT, "busy", id)));
      }
    }
    assertThat(unsettled)
        .as(
            "instances that did not settle (seed %d), with their history: %s",
            seed, unsettled.keySet().stream().map(id -> id + " " + histories.get(id)).toList())
        .isEmpty();
    histories.forEach(
        (id, rows) -> StatusHistories.assertPathThroughTable(id + " (seed " + seed + ")", rows));
    assertThat(answers.stream().filter(a -> a.code() == 200 && a.status() != null))
        .as("every status change answered is a row of history (seed %d)", seed)
        .allSatisfy(
            a ->
                assertThat(histories.get(a.instanceId()))
                    .anySatisfy(
                        row -> {
                          assertThat(WireNames.status(row.to())).isEqualTo(a.status());
                          assertThat(row.at()).isEqualTo(a.at());
                        }));
  }

  /** One random request: a status change (some restarts from a step) or an event. */
  private static Answer send(ApiClient api, String id, Random random) {
    String path = WF + "/instances/" + id;
    String body =
        switch (random.nextInt(7)) {
          case 0 -> "{\"status\":\"pause\"}";
          case 1 -> "{\"status\":\"resume\"}";
          case 2 -> "{\"status\":\"terminate\"}";
          case 3 -> "{\"status\":\"terminate\",\"rollback\":true}";
          case 4 -> "{\"status\":\"restart\"}";
          case 5 ->
              "{\"status\":\"restart\",\"from\":{\"name\":\"charge\",\"count\":1,\"type\":\"do\"}}";
          default -> null;
        };
    if (body == null) {
      ApiResponse sent;
      try {
        sent = api.post(path + "/events/go", "{\"n\":" + random.nextInt(100) + "}");
      } catch (RuntimeException unanswered) {
        throw withThreadDump(unanswered);
      }
      assertThat(sent.status()).as("event to %s: %s", id, sent.body()).isIn(200, 409);
      return new Answer(id, "event", sent.status(), null, null);
    }
    ApiResponse answer;
    try {
      answer = api.patch(path + "/status", body);
    } catch (RuntimeException unanswered) {
      throw withThreadDump(unanswered);
    }
    if (answer.status() == 409) {
      assertThat(answer.header("x-should-retry")).isEqualTo("false");
    }
    return answer.status() == 200
        ? new Answer(
            id,
            body,
            200,
            answer.result().get("status").asText(),
            Instant.parse(answer.result().get("timestamp").asText()))
        : new Answer(id, body, answer.status(), null, null);
  }

  /** Finished, paused, or waiting for something not due within the test. */
  private static boolean settled(ApiClient api, String id) {
    String status =
        api.get(WF + "/instances/" + id + "?simple=true").result().get("status").asText();
    return List.of("complete", "errored", "terminated", "paused").contains(status);
  }

  /**
   * A request that got no answer (the client's timeout) means the server is stuck: what its
   * threads, virtual ones included, are doing at that moment goes into the failure.
   */
  private static synchronized RuntimeException withThreadDump(RuntimeException unanswered) {
    try {
      Path dump = Path.of("target", "RunningRaceIT-unanswered-" + System.nanoTime() + ".txt");
      java.lang.management.ManagementFactory.getPlatformMXBean(
              com.sun.management.HotSpotDiagnosticMXBean.class)
          .dumpThreads(
              dump.toAbsolutePath().toString(),
              com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
      unanswered.addSuppressed(
          new AssertionError("threads at the timeout: " + dump.toAbsolutePath()));
    } catch (Exception e) {
      unanswered.addSuppressed(e);
    }
    return unanswered;
  }
}
