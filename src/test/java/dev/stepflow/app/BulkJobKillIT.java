package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bulk job survives kill -9 of its server: the packaged server runs a restart job over many
 * queued instances, is killed with SIGKILL mid-job, and a second process on the same data folder
 * takes the job over and finishes it. A restart of a queued instance is a move every time, so an
 * item applied twice would show as two restart rows in the instance's status history: each instance
 * must have exactly one, made by the job.
 */
class BulkJobKillIT {
  private static final String ACCOUNT = "acc1";
  private static final String WORKFLOW = "killed";
  private static final String WF = "/client/v4/accounts/" + ACCOUNT + "/workflows/" + WORKFLOW;
  private static final int INSTANCES = 300;
  private static final int RATE = 100;

  @TempDir Path work;

  @Test
  void aJobCutShortByKillNineIsFinishedAfterARestartWithEveryItemAppliedOnce() throws Exception {
    Path data = work.resolve("data");
    String jobId;
    int appliedBeforeKill;
    try (StepflowProcess first =
        StepflowProcess.start(data, work, "first", StepflowProcess.HOLD_QUEUE)) {
      ApiClient api = first.client();
      api.createScriptedInstances(WF, INSTANCES);
      ApiResponse started =
          api.post(
              WF + "/bulk",
              "{\"action\":\"restart\",\"max_per_second\":" + RATE + ",\"reason\":\"kill test\"}");
      assertThat(started.status()).as("%s", started.body()).isEqualTo(200);
      jobId = started.result().get("id").asText();
      AtomicInteger seen = new AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> seen.updateAndGet(n -> job(api, jobId).get("applied").asInt()) >= 50);
      assertThat(first.kill()).as("exit value after SIGKILL").isEqualTo(137);
      appliedBeforeKill = seen.get();
    }
    assertThat(appliedBeforeKill).as("applied when killed").isLessThan(INSTANCES);

    long restarted = System.nanoTime();
    try (StepflowProcess second =
        StepflowProcess.start(data, work, "second", StepflowProcess.HOLD_QUEUE)) {
      ApiClient api = second.client();
      assertThat(job(api, jobId).get("applied").asInt())
          .as("items the dead server reported applied are still applied")
          .isGreaterThanOrEqualTo(appliedBeforeKill);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> job(api, jobId).get("state").asText().equals("complete"));
      JsonNode done = job(api, jobId);
      assertThat(done.get("matched").asInt()).isEqualTo(INSTANCES);
      assertThat(done.get("applied").asInt()).isEqualTo(INSTANCES);
      assertThat(done.get("skipped").asInt()).isZero();
      assertThat(done.get("failed").asInt()).isZero();
      assertThat(done.get("pending").asInt()).isZero();
      System.out.printf(
          "BulkJobKillIT: %d items at %d/s; killed after >= %d applied; the restarted server"
              + " finished the job %d ms after its start%n",
          INSTANCES, RATE, appliedBeforeKill, (System.nanoTime() - restarted) / 1_000_000);
      second.stop();
    }

    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      for (int i = 0; i < INSTANCES; i++) {
        List<StatusChange> history = store.history(new InstanceRef(ACCOUNT, WORKFLOW, "i" + i));
        assertThat(history)
            .as("history of i%d", i)
            .filteredOn(change -> change.trigger().equals("restart"))
            .extracting(StatusChange::actor)
            .containsExactly("bulk:" + jobId);
      }
    }
  }

  private static JsonNode job(ApiClient api, String jobId) {
    ApiResponse job = api.get(WF + "/bulk/" + jobId);
    assertThat(job.status()).as("%s", job.body()).isEqualTo(200);
    return job.result();
  }
}
