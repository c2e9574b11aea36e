package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery after kill -9 (DESIGN.md section 4, "a step whose checkpoint committed never runs again;
 * a step attempt that was in flight when the process died runs again"): the packaged server runs as
 * its own process with an effect log, is killed with SIGKILL mid-work, and a new process on the
 * same data folder must finish the work. Between the kill and the restart the test reads the SQLite
 * file itself, so it knows exactly which steps had committed their checkpoint when the process
 * died, and the effect log (one line written before every step attempt or rollback call) proves
 * what ran how often.
 */
class EngineRecoveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCOUNT = "recovery";
  private static final String WORKFLOW = "scripted";
  private static final String WF = "/client/v4/accounts/" + ACCOUNT + "/workflows/" + WORKFLOW;
  private static final String EFFECTS_FILE = "effects.log";

  private static final int INSTANCES = 1_000;
  private static final int BATCH = 100;
  private static final int MIN_STARTED_AT_KILL = 200;
  private static final Duration RUN_WINDOW = Duration.ofSeconds(60);
  private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(120);
  private static final Duration STATUS_DEADLINE = Duration.ofSeconds(20);
  private static final Duration PROMPT_TIMER = Duration.ofSeconds(5);

  @TempDir Path work;

  /**
   * 1,000 instances of 3 to 5 steps of 20 to 60 ms, created in batches of 100 while the engine
   * already runs the first ones. The process dies once every instance exists, at least {@value
   * #MIN_STARTED_AT_KILL} instances have started and not every step has (so not every instance is
   * complete). Every step that had committed its checkpoint at the kill ran exactly once; every
   * other step runs exactly once after the restart, so a step runs twice only if its attempt was in
   * flight at the kill.
   */
  @Test
  void killDuringAThousandRunningInstancesRunsNoCommittedStepTwice() throws Exception {
    Path data = work.resolve("data");
    Path effectsFile = work.resolve(EFFECTS_FILE);
    Map<String, List<String>> plan = thousandInstancePlan();
    KillPoint kill = createAndKillMidRun(data, effectsFile, plan);
    StoreSnapshot atKill = StoreSnapshot.read(data, plan.keySet());
    Set<StepKey> committed = atKill.doStepsIn("complete");
    Set<StepKey> inFlight = atKill.doStepsIn("running");
    assertThat(atKill.countIn(Status.COMPLETE))
        .as("instances complete at the kill")
        .isLessThan(INSTANCES);
    assertThat(inFlight).as("step attempts in flight at the kill").isNotEmpty();

    Recovery recovery = restartUntilAllComplete(data, effectsFile, plan);

    List<Effect> all = Effect.read(effectsFile);
    assertThat(all).as("only do attempts, each a first attempt").allMatch(Effect::isFirstDo);
    List<StepKey> duplicates =
        assertRunsPerStep(
            plan,
            committed,
            countDoLines(all.subList(0, kill.effectsAtKill())),
            countDoLines(all.subList(kill.effectsAtKill(), all.size())));
    assertThat(duplicates)
        .as("steps that ran twice: each had an attempt in flight at the kill, none had committed")
        .allMatch(inFlight::contains)
        .noneMatch(committed::contains);
    System.out.printf(
        "EngineRecoveryIT[kill during 1,000 instances]: %d instances, %d steps; SIGKILL when %d"
            + " step attempts had started, dead after %d (instances: %d complete, %d running, %d"
            + " queued; %d steps checkpointed, %d attempts in flight); restart served after %d ms,"
            + " all %d instances complete %d ms after the restart began (%d ms after it served);"
            + " %d steps ran twice, all of them in flight at the kill; no checkpointed step ran"
            + " again%n",
        INSTANCES,
        plan.values().stream().mapToInt(List::size).sum(),
        kill.effectsAtTrigger(),
        kill.effectsAtKill(),
        atKill.countIn(Status.COMPLETE),
        atKill.countIn(Status.RUNNING),
        atKill.countIn(Status.QUEUED),
        committed.size(),
        inFlight.size(),
        recovery.startup().toMillis(),
        INSTANCES,
        recovery.allComplete().toMillis(),
        recovery.allComplete().minus(recovery.startup()).toMillis(),
        duplicates.size());
  }

  /** Effect lines when the kill condition held, and once the process was dead. */
  record KillPoint(int effectsAtTrigger, int effectsAtKill) {}

  /** From launching the restarted process: until it served, and until every instance completed. */
  record Recovery(Duration startup, Duration allComplete) {}

  private KillPoint createAndKillMidRun(Path data, Path effectsFile, Map<String, List<String>> plan)
      throws IOException {
    int totalSteps = plan.values().stream().mapToInt(List::size).sum();
    try (StepflowProcess runner = StepflowProcess.start(data, work, "run", effects(effectsFile))) {
      ApiClient api = runner.client();
      createWorkflow(api);
      createInstances(api, plan);
      int atTrigger =
          await()
              .atMost(RUN_WINDOW)
              .pollInterval(Duration.ofMillis(5))
              .until(
                  () -> {
                    assertThat(runner.isAlive()).as("alive; %s", runner.stderrTail()).isTrue();
                    List<Effect> lines = Effect.read(effectsFile);
                    long started = lines.stream().map(Effect::instanceId).distinct().count();
                    return started >= MIN_STARTED_AT_KILL && lines.size() < totalSteps
                        ? lines.size()
                        : -1;
                  },
                  seen -> seen >= 0);
      assertThat(runner.kill()).as("exit value after SIGKILL").isEqualTo(137);
      return new KillPoint(atTrigger, Effect.read(effectsFile).size());
    }
  }

  private Recovery restartUntilAllComplete(
      Path data, Path effectsFile, Map<String, List<String>> plan) throws IOException {
    long restartedAt = System.nanoTime();
    try (StepflowProcess again = StepflowProcess.start(data, work, "again", effects(effectsFile))) {
      ApiClient api = again.client();
      await()
          .atMost(RECOVERY_DEADLINE)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                assertThat(again.isAlive()).as("server alive; %s", again.stderrTail()).isTrue();
                return countInStatus(api, "complete") == INSTANCES;
              });
      Duration allComplete = Duration.ofNanos(System.nanoTime() - restartedAt);
      plan.forEach((id, steps) -> assertEveryStepComplete(api, id, steps));
      again.stop();
      return new Recovery(again.startup(), allComplete);
    }
  }

  /**
   * Checks the attempt lines of every step before and after the kill; returns the steps that ran
   * twice.
   */
  private static List<StepKey> assertRunsPerStep(
      Map<String, List<String>> plan,
      Set<StepKey> committed,
      Map<StepKey, Integer> before,
      Map<StepKey, Integer> after) {
    List<StepKey> duplicates = new ArrayList<>();
    plan.forEach(
        (id, steps) -> {
          for (String step : steps) {
            StepKey key = new StepKey(id, step);
            int runsBefore = before.getOrDefault(key, 0);
            int runsAfter = after.getOrDefault(key, 0);
            if (committed.contains(key)) {
              assertThat(List.of(runsBefore, runsAfter))
                  .as("attempts of %s before and after the kill; it had committed", key)
                  .containsExactly(1, 0);
            } else {
              assertThat(runsBefore)
                  .as("attempts of %s before the kill", key)
                  .isLessThanOrEqualTo(1);
              assertThat(runsAfter).as("attempts of uncommitted %s after the restart", key).isOne();
            }
            if (runsBefore + runsAfter > 1) {
              duplicates.add(key);
            }
          }
        });
    return duplicates;
  }

  /** pause is accepted as waitingForPause while slow runs; the process dies before slow ends. */
  @Test
  void aPauseRequestedBeforeTheCrashIsHonouredAfterTheRestart() throws Exception {
    Path data = work.resolve("data");
    Path effectsFile = work.resolve(EFFECTS_FILE);
    String id = "paused-at-crash";
    try (StepflowProcess first = StepflowProcess.start(data, work, "first", effects(effectsFile))) {
      ApiClient api = first.client();
      createWorkflow(api);
      create(api, id, "[{\"do\":\"slow\",\"ms\":4000},{\"do\":\"next\"}]");
      awaitEffect(effectsFile, new Effect(id, "do", "slow-1", 1));
      ApiResponse pause = api.patch(WF + "/instances/" + id + "/status", "{\"status\":\"pause\"}");
      assertThat(pause.status()).as("pause: %s", pause.body()).isEqualTo(200);
      assertThat(pause.result().get("status").asText()).isEqualTo("waitingForPause");
      assertThat(first.kill()).as("exit value after SIGKILL").isEqualTo(137);
    }
    StoreSnapshot atKill = StoreSnapshot.read(data, Set.of(id));
    assertThat(atKill.status(id)).as("status at the kill").isEqualTo(Status.WAITING_FOR_PAUSE);
    assertThat(atKill.stepStatus(id, "do", "slow-1")).as("slow at the kill").isEqualTo("running");
    List<Effect> beforeRestart = Effect.read(effectsFile);
    assertThat(beforeRestart).containsExactly(new Effect(id, "do", "slow-1", 1));

    try (StepflowProcess again = StepflowProcess.start(data, work, "again", effects(effectsFile))) {
      ApiClient api = again.client();
      awaitStatus(api, id, "paused");
      assertThat(Effect.read(effectsFile))
          .as("effects while paused after the restart: nothing ran again, next never started")
          .isEqualTo(beforeRestart);
      ApiResponse resume =
          api.patch(WF + "/instances/" + id + "/status", "{\"status\":\"resume\"}");
      assertThat(resume.status()).as("resume: %s", resume.body()).isEqualTo(200);
      awaitStatus(api, id, "complete");
      again.stop();
    }
    assertThat(Effect.read(effectsFile))
        .as("slow was in flight at the kill, so it runs again; next runs once")
        .containsExactly(
            new Effect(id, "do", "slow-1", 1),
            new Effect(id, "do", "slow-1", 1),
            new Effect(id, "do", "next-1", 1));
  }

  /** The sleep's deadline passes while no process runs; the restarted engine fires it at once. */
  @Test
  void aTimerThatExpiredDuringTheDowntimeFiresPromptlyAfterTheRestart() throws Exception {
    Path data = work.resolve("data");
    Path effectsFile = work.resolve(EFFECTS_FILE);
    String id = "sleeper";
    try (StepflowProcess first = StepflowProcess.start(data, work, "first", effects(effectsFile))) {
      ApiClient api = first.client();
      createWorkflow(api);
      create(api, id, "[{\"sleep\":\"nap\",\"ms\":3000},{\"do\":\"after\"}]");
      awaitStatus(api, id, "waiting");
      assertThat(first.kill()).as("exit value after SIGKILL").isEqualTo(137);
    }
    StoreSnapshot atKill = StoreSnapshot.read(data, Set.of(id));
    assertThat(atKill.status(id)).as("status at the kill").isEqualTo(Status.WAITING);
    Instant wakeAt = atKill.step(id, "sleep", "nap-1").wakeAt();
    assertThat(wakeAt).as("end of the sleep").isNotNull().isAfter(Instant.now());
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> Instant.now().isAfter(wakeAt));

    Instant restartBegan = Instant.now();
    Instant served;
    try (StepflowProcess again = StepflowProcess.start(data, work, "again", effects(effectsFile))) {
      served = Instant.now();
      ApiClient api = again.client();
      await()
          .atMost(PROMPT_TIMER)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> status(api, id).equals("complete"));
      JsonNode done = instance(api, id);
      assertThat(stepNames(done, "sleep")).containsExactly("nap-1");
      assertThat(stepNames(done, "step")).containsExactly("after-1");
      again.stop();
    }
    Effect after = new Effect(id, "do", "after-1", 1);
    assertThat(Effect.read(effectsFile)).containsExactly(after);
    Instant ran = Effect.timeOf(effectsFile, after);
    assertThat(ran)
        .as("when after-1 ran")
        .isAfter(restartBegan)
        .isBefore(served.plus(PROMPT_TIMER));
    System.out.printf(
        "EngineRecoveryIT[expired timer]: the sleep ended %d ms before the restart began; after-1"
            + " ran %d ms after the restart began (the restarted server served after %d ms)%n",
        Duration.between(wakeAt, restartBegan).toMillis(),
        Duration.between(restartBegan, ran).toMillis(),
        Duration.between(restartBegan, served).toMillis());
  }

  /**
   * terminate with rollback; the process dies while b's handler runs. The restarted engine runs b's
   * handler again (its completion was never recorded: at-least-once), then a's.
   */
  @Test
  void aRollbackInterruptedByTheCrashResumesAfterTheRestart() throws Exception {
    Path data = work.resolve("data");
    Path effectsFile = work.resolve(EFFECTS_FILE);
    String id = "compensating";
    try (StepflowProcess first = StepflowProcess.start(data, work, "first", effects(effectsFile))) {
      ApiClient api = first.client();
      createWorkflow(api);
      create(
          api,
          id,
          "[{\"do\":\"a\",\"rollback\":{\"ms\":1500}},{\"do\":\"b\",\"rollback\":{\"ms\":1500}},"
              + "{\"waitForEvent\":\"w\",\"type\":\"go\"}]");
      awaitStatus(api, id, "waiting");
      ApiResponse terminate =
          api.patch(
              WF + "/instances/" + id + "/status", "{\"status\":\"terminate\",\"rollback\":true}");
      assertThat(terminate.status()).as("terminate: %s", terminate.body()).isEqualTo(200);
      assertThat(terminate.result().get("status").asText()).isEqualTo("rollingBack");
      awaitEffect(effectsFile, new Effect(id, "rollback", "b-1", 1));
      assertThat(first.kill()).as("exit value after SIGKILL").isEqualTo(137);
    }
    StoreSnapshot atKill = StoreSnapshot.read(data, Set.of(id));
    assertThat(atKill.status(id)).as("status at the kill").isEqualTo(Status.ROLLING_BACK);
    assertThat(atKill.stepStatus(id, "rollback", "b-1"))
        .as("b's handler at the kill: started, not finished")
        .isEqualTo("running");
    assertThat(atKill.stepStatus(id, "rollback", "a-1")).as("a's handler at the kill").isNull();
    int effectsAtKill = Effect.read(effectsFile).size();

    try (StepflowProcess again = StepflowProcess.start(data, work, "again", effects(effectsFile))) {
      ApiClient api = again.client();
      awaitStatus(api, id, "terminated");
      JsonNode done = instance(api, id);
      assertThat(done.get("rollback").get("outcome").asText()).isEqualTo("complete");
      assertThat(stepNames(done, "rollback")).containsExactlyInAnyOrder("b-1", "a-1");
      for (JsonNode step : done.get("steps")) {
        if (step.get("type").asText().equals("rollback")) {
          assertThat(step.path("success").asBoolean(false)).as("rollback entry %s", step).isTrue();
        }
      }
      again.stop();
    }
    List<Effect> all = Effect.read(effectsFile);
    assertThat(all.subList(0, effectsAtKill))
        .containsExactly(
            new Effect(id, "do", "a-1", 1),
            new Effect(id, "do", "b-1", 1),
            new Effect(id, "rollback", "b-1", 1));
    assertThat(all.subList(effectsAtKill, all.size()))
        .as("after the restart: b's interrupted handler runs again (at-least-once), then a's")
        .containsExactly(
            new Effect(id, "rollback", "b-1", 1), new Effect(id, "rollback", "a-1", 1));
  }

  // --- the plan of the 1,000 instances ---

  /** Instance id to its do steps (display names), 3 to 5 steps of 20 to 60 ms each. */
  private static Map<String, List<String>> thousandInstancePlan() {
    Map<String, List<String>> plan = new LinkedHashMap<>();
    for (int i = 0; i < INSTANCES; i++) {
      int steps = 3 + i % 3;
      plan.put(
          "m%04d".formatted(i), IntStream.range(0, steps).mapToObj(k -> "s" + k + "-1").toList());
    }
    return plan;
  }

  private static void createInstances(ApiClient api, Map<String, List<String>> plan) {
    List<String> ids = List.copyOf(plan.keySet());
    for (int from = 0; from < ids.size(); from += BATCH) {
      ArrayNode batch = JSON.createArrayNode();
      for (int i = from; i < Math.min(ids.size(), from + BATCH); i++) {
        ArrayNode steps = JSON.createArrayNode();
        for (int k = 0; k < plan.get(ids.get(i)).size(); k++) {
          steps.addObject().put("do", "s" + k).put("ms", 20 + (i * 7 + k * 13) % 41);
        }
        ObjectNode instance = batch.addObject().put("instance_id", ids.get(i));
        instance.putObject("params").set("steps", steps);
      }
      ApiResponse created = api.post(WF + "/instances/batch", batch.toString());
      assertThat(created.status()).as("batch create: %s", created.body()).isEqualTo(200);
      assertThat(created.result().size()).isEqualTo(batch.size());
    }
  }

  private static int countInStatus(ApiClient api, String status) {
    ApiResponse page = api.get(WF + "/instances?per_page=1&status=" + status);
    assertThat(page.status()).as("list: %s", page.body()).isEqualTo(200);
    return page.body().get("result_info").get("total_count").asInt();
  }

  private static void assertEveryStepComplete(ApiClient api, String id, List<String> steps) {
    JsonNode instance = instance(api, id);
    assertThat(instance.get("status").asText()).as("status of %s", id).isEqualTo("complete");
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    instance.get("steps").forEach(s -> byName.put(s.get("name").asText(), s));
    assertThat(byName.keySet()).as("steps of %s", id).containsExactlyElementsOf(steps);
    for (JsonNode step : byName.values()) {
      assertThat(step.get("type").asText()).as("type of %s of %s", step, id).isEqualTo("step");
      assertThat(step.path("success").asBoolean(false)).as("%s of %s", step, id).isTrue();
      assertThat(step.get("attempts").size()).as("recorded attempts: %s of %s", step, id).isOne();
    }
    assertThat(instance.get("output").size()).as("outputs of %s", id).isEqualTo(steps.size());
  }

  private static Map<StepKey, Integer> countDoLines(List<Effect> lines) {
    Map<StepKey, Integer> counts = new LinkedHashMap<>();
    lines.stream()
        .filter(e -> e.kind().equals("do"))
        .forEach(e -> counts.merge(new StepKey(e.instanceId(), e.step()), 1, Integer::sum));
    return counts;
  }

  // --- HTTP helpers ---

  /** The effects log; and no creation rate limit, since setup creates instances in bulk. */
  private static List<String> effects(Path file) {
    return List.of(
        "--effects-log",
        file.toString(),
        "--create-rate-per-workflow",
        "0",
        "--create-rate-per-account",
        "0");
  }

  private static void createWorkflow(ApiClient api) {
    ApiResponse put = api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"recovery\"}");
    assertThat(put.status()).as("PUT workflow: %s", put.body()).isEqualTo(200);
  }

  private static void create(ApiClient api, String id, String stepsJson) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("instance_id", id);
    body.putObject("params").set("steps", JSON.readTree(stepsJson));
    ApiResponse created = api.post(WF + "/instances", body.toString());
    assertThat(created.status()).as("create: %s", created.body()).isEqualTo(200);
  }

  private static JsonNode instance(ApiClient api, String id) {
    ApiResponse response = api.get(WF + "/instances/" + id);
    assertThat(response.status()).as("GET %s: %s", id, response.body()).isEqualTo(200);
    return response.result();
  }

  private static String status(ApiClient api, String id) {
    return instance(api, id).get("status").asText();
  }

  private static void awaitStatus(ApiClient api, String id, String expected) {
    await()
        .atMost(STATUS_DEADLINE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> status(api, id).equals(expected));
  }

  private static void awaitEffect(Path effectsFile, Effect expected) {
    await()
        .atMost(STATUS_DEADLINE)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> Effect.read(effectsFile).contains(expected));
  }

  private static List<String> stepNames(JsonNode instance, String type) {
    List<String> names = new ArrayList<>();
    for (JsonNode step : instance.get("steps")) {
      if (step.get("type").asText().equals(type)) {
        names.add(step.get("name").asText());
      }
    }
    return names;
  }

  // --- the effect log and the store, read directly ---

  /** A do step of an instance, by display name ({@code s0-1}). */
  record StepKey(String instanceId, String step) {}

  /** One line of the effect log, without its time. */
  record Effect(String instanceId, String kind, String step, int attempt) {

    boolean isFirstDo() {
      return kind.equals("do") && attempt == 1;
    }

    /** The time the first line equal to {@code effect} was written. */
    static Instant timeOf(Path file, Effect effect) throws IOException {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split("\t");
        if (f.length == 5 && new Effect(f[0], f[1], f[2], Integer.parseInt(f[3])).equals(effect)) {
          return Instant.parse(f[4]);
        }
      }
      throw new AssertionError("no effect line " + effect + " in " + file);
    }

    /**
     * Every complete line (the file is appended to while a server runs); a malformed line fails.
     */
    static List<Effect> read(Path file) throws IOException {
      if (!Files.exists(file)) {
        return List.of();
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      List<Effect> lines = new ArrayList<>();
      for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
        String[] fields = line.split("\t");
        assertThat(fields).as("effect log line '%s'", line).hasSize(5);
        if (!fields[1].endsWith("-end")) { // when an attempt's work ended; this test counts starts
          lines.add(new Effect(fields[0], fields[1], fields[2], Integer.parseInt(fields[3])));
        }
      }
      return lines;
    }
  }

  /** Statuses and step rows as the SQLite file holds them while no server runs. */
  record StoreSnapshot(Map<String, Status> statuses, Map<String, List<StepRecord>> steps) {

    static StoreSnapshot read(Path data, Set<String> ids) {
      Map<String, Status> statuses = new LinkedHashMap<>();
      Map<String, List<StepRecord>> steps = new LinkedHashMap<>();
      try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
        JdbcInstanceStore store = new JdbcInstanceStore(db);
        for (String id : ids) {
          InstanceRef ref = new InstanceRef(ACCOUNT, WORKFLOW, id);
          statuses.put(id, store.findInstance(ref).map(Instance::status).orElseThrow());
          steps.put(id, store.steps(ref));
        }
      }
      return new StoreSnapshot(statuses, steps);
    }

    Status status(String id) {
      return statuses.get(id);
    }

    long countIn(Status status) {
      return statuses.values().stream().filter(status::equals).count();
    }

    StepRecord step(String id, String kind, String displayName) {
      return steps.get(id).stream()
          .filter(
              r -> WireNames.stepKind(r.kind()).equals(kind) && r.displayName().equals(displayName))
          .findFirst()
          .orElse(null);
    }

    /** The row's status, or null when the step has no row. */
    String stepStatus(String id, String kind, String displayName) {
      StepRecord row = step(id, kind, displayName);
      return row == null ? null : WireNames.stepStatus(row.status());
    }

    Set<StepKey> doStepsIn(String stepStatus) {
      Set<StepKey> keys = new HashSet<>();
      steps.forEach(
          (id, rows) ->
              rows.stream()
                  .filter(
                      r ->
                          WireNames.stepKind(r.kind()).equals("do")
                              && WireNames.stepStatus(r.status()).equals(stepStatus))
                  .forEach(r -> keys.add(new StepKey(id, r.displayName()))));
      return keys;
    }
  }
}
