package dev.stepflow.engine.runtime;

import static dev.stepflow.engine.runtime.RecoveryWorkflow.EFFECTS_FILE;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.WF;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.awaitEffect;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.awaitStatus;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.create;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.createWorkflow;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.effects;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.instance;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.status;
import static dev.stepflow.engine.runtime.RecoveryWorkflow.stepNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.domain.Status;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery after kill -9 of an instance caught between two statuses: waiting for a pause, sleeping
 * on a timer, or rolling back. The packaged server runs as its own process with an effect log and
 * is killed with SIGKILL; the test reads the SQLite file to know the status at the kill, and a new
 * process on the same data folder must carry the instance on from there.
 */
class InterruptedStatusRecoveryIT {
  private static final Duration PROMPT_TIMER = Duration.ofSeconds(5);

  @TempDir Path work;

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
      awaitEffect(effectsFile, new EffectStart(id, "do", "slow-1", 1));
      ApiResponse pause = api.patch(WF + "/instances/" + id + "/status", "{\"status\":\"pause\"}");
      assertThat(pause.status()).as("pause: %s", pause.body()).isEqualTo(200);
      assertThat(pause.result().get("status").asText()).isEqualTo("waitingForPause");
      assertThat(first.kill()).as("exit value after SIGKILL").isEqualTo(137);
    }
    StoreSnapshot atKill = StoreSnapshot.read(data, Set.of(id));
    assertThat(atKill.status(id)).as("status at the kill").isEqualTo(Status.WAITING_FOR_PAUSE);
    assertThat(atKill.stepStatus(id, "do", "slow-1")).as("slow at the kill").isEqualTo("running");
    List<EffectStart> beforeRestart = EffectStart.read(effectsFile);
    assertThat(beforeRestart).containsExactly(new EffectStart(id, "do", "slow-1", 1));

    try (StepflowProcess again = StepflowProcess.start(data, work, "again", effects(effectsFile))) {
      ApiClient api = again.client();
      awaitStatus(api, id, "paused");
      assertThat(EffectStart.read(effectsFile))
          .as("effects while paused after the restart: nothing ran again, next never started")
          .isEqualTo(beforeRestart);
      ApiResponse resume =
          api.patch(WF + "/instances/" + id + "/status", "{\"status\":\"resume\"}");
      assertThat(resume.status()).as("resume: %s", resume.body()).isEqualTo(200);
      awaitStatus(api, id, "complete");
      again.stop();
    }
    assertThat(EffectStart.read(effectsFile))
        .as("slow was in flight at the kill, so it runs again; next runs once")
        .containsExactly(
            new EffectStart(id, "do", "slow-1", 1),
            new EffectStart(id, "do", "slow-1", 1),
            new EffectStart(id, "do", "next-1", 1));
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
    EffectStart after = new EffectStart(id, "do", "after-1", 1);
    assertThat(EffectStart.read(effectsFile)).containsExactly(after);
    Instant ran = EffectStart.timeOf(effectsFile, after);
    assertThat(ran)
        .as("when after-1 ran")
        .isAfter(restartBegan)
        .isBefore(served.plus(PROMPT_TIMER));
    System.out.printf(
        "InterruptedStatusRecoveryIT[expired timer]: the sleep ended %d ms before the restart"
            + " began; after-1 ran %d ms after the restart began (the restarted server served"
            + " after %d ms)%n",
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
      awaitEffect(effectsFile, new EffectStart(id, "rollback", "b-1", 1));
      assertThat(first.kill()).as("exit value after SIGKILL").isEqualTo(137);
    }
    StoreSnapshot atKill = StoreSnapshot.read(data, Set.of(id));
    assertThat(atKill.status(id)).as("status at the kill").isEqualTo(Status.ROLLING_BACK);
    assertThat(atKill.stepStatus(id, "rollback", "b-1"))
        .as("b's handler at the kill: started, not finished")
        .isEqualTo("running");
    assertThat(atKill.stepStatus(id, "rollback", "a-1")).as("a's handler at the kill").isNull();
    int effectsAtKill = EffectStart.read(effectsFile).size();

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
    List<EffectStart> all = EffectStart.read(effectsFile);
    assertThat(all.subList(0, effectsAtKill))
        .containsExactly(
            new EffectStart(id, "do", "a-1", 1),
            new EffectStart(id, "do", "b-1", 1),
            new EffectStart(id, "rollback", "b-1", 1));
    assertThat(all.subList(effectsAtKill, all.size()))
        .as("after the restart: b's interrupted handler runs again (at-least-once), then a's")
        .containsExactly(
            new EffectStart(id, "rollback", "b-1", 1), new EffectStart(id, "rollback", "a-1", 1));
  }
}
