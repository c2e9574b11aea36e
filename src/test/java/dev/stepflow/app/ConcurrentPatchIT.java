package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.Transitions;
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
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conflicting PATCH .../status requests race on a few instances of an in-process server (no engine
 * runs, so only client actions move them). The race runs once for the class; each test checks one
 * property of its answers, of the status history the store kept, and of the final statuses.
 */
class ConcurrentPatchIT {
  private static final String ACCOUNT = "acc1";
  private static final String WORKFLOW = "race";
  private static final String WF = "/client/v4/accounts/" + ACCOUNT + "/workflows/" + WORKFLOW;
  private static final int INSTANCES = 5;
  private static final int THREADS = 32;
  private static final int REQUESTS = 200;
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private static final List<Action> ACTIONS =
      List.of(Action.PAUSE, Action.RESUME, Action.TERMINATE, Action.RESTART);
  private static final Pattern REJECTED_IN =
      Pattern.compile("^Cannot [a-z+]+ instance '[^']+': it is (\\w+)\\. Allowed actions: ");

  @TempDir static Path dataDir;

  private static final List<Answer> answers = new ArrayList<>();
  private static final Map<String, String> finalStatuses = new LinkedHashMap<>();
  private static final Map<String, List<StatusChange>> histories = new LinkedHashMap<>();

  /** One PATCH and its answer; {@code status} and {@code timestamp} are null unless it was 200. */
  record Answer(
      String instanceId,
      Action action,
      int code,
      String status,
      Instant timestamp,
      String shouldRetry,
      int errorCode,
      String message) {}

  @BeforeAll
  static void raceThenStopAndReadTheStore() throws Exception {
    long seed = new Random().nextLong();
    List<String> ids = IntStream.range(0, INSTANCES).mapToObj(i -> "r" + i).toList();
    long started;
    long finished;
    try (StepflowServer server =
        StepflowServer.start(
            Config.of("127.0.0.1", 0, dataDir.resolve("data"), Durability.PROCESS_CRASH)
                .withMaxRunning(0))) {
      ApiClient api =
          new ApiClient(
              "http://127.0.0.1:" + server.port(), ApiClient.devToken(dataDir.resolve("data")));
      assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
          .isEqualTo(200);
      for (String id : ids) {
        assertThat(api.post(WF + "/instances", "{\"instance_id\":\"" + id + "\"}").status())
            .isEqualTo(200);
      }
      started = System.nanoTime();
      answers.addAll(race(api, plan(seed, ids)));
      finished = System.nanoTime();
      for (String id : ids) {
        finalStatuses.put(id, api.get(WF + "/instances/" + id).result().get("status").asText());
      }
    }
    try (SqliteDatabase db =
        SqliteDatabase.open(dataDir.resolve("data"), Durability.PROCESS_CRASH)) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      for (String id : ids) {
        histories.put(id, store.history(new InstanceRef(ACCOUNT, WORKFLOW, id)));
      }
    }
    Map<Integer, Long> byCode =
        answers.stream().collect(Collectors.groupingBy(Answer::code, Collectors.counting()));
    System.out.printf(
        "ConcurrentPatchIT: %d racing PATCH from %d threads on %d instances in %d ms (seed %d):"
            + " answers by code %s; %d history rows%n",
        answers.size(),
        THREADS,
        INSTANCES,
        Duration.ofNanos(finished - started).toMillis(),
        seed,
        byCode,
        histories.values().stream().mapToInt(List::size).sum());
  }

  /** The requests, (instance, action), drawn from {@code seed} so a failure can be replayed. */
  private static List<Map.Entry<String, Action>> plan(long seed, List<String> ids) {
    Random random = new Random(seed);
    List<Map.Entry<String, Action>> plan = new ArrayList<>(REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
      plan.add(Map.entry(ids.get(random.nextInt(ids.size())), ACTIONS.get(random.nextInt(4))));
    }
    return plan;
  }

  /** Sends the plan from {@link #THREADS} threads released together by one latch. */
  private static List<Answer> race(ApiClient api, List<Map.Entry<String, Action>> plan)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger next = new AtomicInteger();
    Queue<Answer> collected = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + WINDOW.toNanos();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        running.add(
            threads.submit(
                () -> {
                  ready.countDown();
                  if (!go.await(WINDOW.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the race never started");
                  }
                  for (int i = next.getAndIncrement();
                      i < plan.size() && System.nanoTime() < deadline;
                      i = next.getAndIncrement()) {
                    collected.add(send(api, plan.get(i).getKey(), plan.get(i).getValue()));
                  }
                  return null;
                }));
      }
      assertThat(ready.await(WINDOW.toSeconds(), TimeUnit.SECONDS)).isTrue();
      go.countDown();
      for (Future<?> thread : running) {
        thread.get(WINDOW.toSeconds() + 30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
      assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(collected).as("requests answered within %s", WINDOW).hasSize(plan.size());
    return List.copyOf(collected);
  }

  private static Answer send(ApiClient api, String id, Action action) {
    String body =
        switch (action) {
          case PAUSE -> "{\"status\":\"pause\"}";
          case RESUME -> "{\"status\":\"resume\"}";
          case TERMINATE -> "{\"status\":\"terminate\"}";
          case RESTART -> "{\"status\":\"restart\"}";
          case TERMINATE_WITH_ROLLBACK -> throw new IllegalArgumentException("not in the mix");
        };
    ApiResponse response = api.patch(WF + "/instances/" + id + "/status", body);
    boolean ok = response.status() == 200;
    return new Answer(
        id,
        action,
        response.status(),
        ok ? response.result().get("status").asText() : null,
        ok ? Instant.parse(response.result().get("timestamp").asText()) : null,
        response.header("x-should-retry"),
        response.errorCode(),
        ok ? null : response.body().path("messages").path(0).asText());
  }

  @Test
  void everyAnswerIsASuccessOrAConflictThatSaysDoNotRetry() {
    assertThat(answers)
        .allSatisfy(
            a -> {
              assertThat(a.code()).as("%s", a).isIn(200, 409);
              if (a.code() == 409) {
                assertThat(a.shouldRetry()).as("x-should-retry of %s", a).isEqualTo("false");
                assertThat(a.errorCode())
                    .as("error code of %s", a)
                    .isEqualTo(a.action().rejectedWith().code());
              }
            });
  }

  @Test
  void everySuccessAnswersTheStatusTheActionLeadsTo() {
    Map<Action, String> target =
        Map.of(
            Action.PAUSE, "paused",
            Action.RESUME, "queued",
            Action.TERMINATE, "terminated",
            Action.RESTART, "queued");
    assertThat(answers.stream().filter(a -> a.code() == 200))
        .allSatisfy(a -> assertThat(a.status()).as("%s", a).isEqualTo(target.get(a.action())));
  }

  @Test
  void everyConflictIsARejectionOfTheTableForTheStatusItNames() {
    assertThat(answers.stream().filter(a -> a.code() == 409))
        .allSatisfy(
            a -> {
              Matcher matcher = REJECTED_IN.matcher(a.message());
              assertThat(matcher.find()).as("a table rejection: %s", a).isTrue();
              Status named = WireNames.parseStatus(matcher.group(1)).orElseThrow();
              assertThat(Transitions.TABLE.decide(named, a.action()))
                  .as("%s", a)
                  .isInstanceOf(Decision.Reject.class);
            });
  }

  @Test
  void everyHistoryIsAPathThroughTheTable() {
    histories.forEach(StatusHistories::assertPathThroughTable);
  }

  @Test
  void everySuccessIsARowOfHistory() {
    assertThat(answers.stream().filter(a -> a.code() == 200))
        .allSatisfy(
            a ->
                assertThat(histories.get(a.instanceId()))
                    .as("history of %s holds (%s, %s)", a.instanceId(), a.status(), a.timestamp())
                    .anySatisfy(
                        row -> {
                          assertThat(WireNames.status(row.to())).isEqualTo(a.status());
                          assertThat(row.at()).isEqualTo(a.timestamp());
                        }));
  }

  /**
   * The converse: no change committed while its request was answered with an error. Resume,
   * terminate and restart always move, so their rows and successes match one to one; a pause
   * success may be a no-op that answers the row of an earlier pause.
   */
  @Test
  void everyRowOfHistoryWasAcknowledged() {
    histories.forEach(
        (id, rows) -> {
          for (Action action : ACTIONS) {
            List<Instant> rowTimes =
                rows.stream()
                    .filter(r -> r.trigger().equals(action.label()))
                    .map(StatusChange::at)
                    .sorted()
                    .toList();
            List<Instant> answerTimes =
                answers.stream()
                    .filter(a -> a.code() == 200 && a.instanceId().equals(id))
                    .filter(a -> a.action() == action)
                    .map(Answer::timestamp)
                    .sorted()
                    .toList();
            if (action == Action.PAUSE) {
              assertThat(answerTimes.stream().distinct().toList())
                  .as("pause rows of %s", id)
                  .isEqualTo(rowTimes.stream().distinct().toList());
            } else {
              assertThat(answerTimes).as("%s rows of %s", action.label(), id).isEqualTo(rowTimes);
            }
          }
        });
  }

  @Test
  void finalStatusIsTheLastRowOfHistory() {
    histories.forEach(
        (id, rows) ->
            assertThat(finalStatuses.get(id))
                .as("status of %s", id)
                .isEqualTo(WireNames.status(rows.getLast().to())));
  }
}
