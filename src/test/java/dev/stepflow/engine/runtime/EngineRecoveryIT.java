package dev.stepflow.engine.runtime;

import static dev.stepflow.engine.runtime.RecoveryWorkflow.EFFECTS_FILE;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.JSON;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.WF;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.createWorkflow;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.effects;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.domain.Status;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
  private static final int INSTANCES = 1_000;
  private static final int BATCH = 100;
  private static final int MIN_STARTED_AT_KILL = 200;
  private static final Duration RUN_WINDOW = Duration.ofSeconds(60);
  private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(120);

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

    List<EffectStart> all = EffectStart.read(effectsFile);
    assertThat(all).as("only do attempts, each a first attempt").allMatch(EffectStart::isFirstDo);
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

  /** Effect log lines when the kill condition held, and once the process was dead. */
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
                    List<EffectStart> lines = EffectStart.read(effectsFile);
                    long started = lines.stream().map(EffectStart::instanceId).distinct().count();
                    return started >= MIN_STARTED_AT_KILL && lines.size() < totalSteps
                        ? lines.size()
                        : -1;
                  },
                  seen -> seen >= 0);
      assertThat(runner.kill()).as("exit value after SIGKILL").isEqualTo(137);
      return new KillPoint(atTrigger, EffectStart.read(effectsFile).size());
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

  private static Map<StepKey, Integer> countDoLines(List<EffectStart> lines) {
    Map<StepKey, Integer> counts = new LinkedHashMap<>();
    lines.stream()
        .filter(e -> e.kind().equals("do"))
        .forEach(e -> counts.merge(new StepKey(e.instanceId(), e.step()), 1, Integer::sum));
    return counts;
  }
}
