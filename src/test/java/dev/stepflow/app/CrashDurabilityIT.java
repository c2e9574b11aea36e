package dev.stepflow.app;

import static dev.stepflow.app.PatchLoad.CLIENTS;
import static dev.stepflow.app.PatchLoad.SEND_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.app.PatchLoad.Ack;
import dev.stepflow.app.PatchLoad.Unacked;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md section 1: "an acknowledged change survives kill -9". The packaged server runs as its
 * own process; client threads change instance statuses over HTTP, the process is killed with
 * SIGKILL, and a second process on the same data folder must show every acknowledged change, both
 * through the API and in the store's status history.
 *
 * <p>Each client thread owns a disjoint set of instances and alternates pause and resume on each,
 * so every request is a real move and the changes of one instance are strictly ordered: the history
 * after the creation row must be exactly the acknowledged changes, plus at most the one
 * unacknowledged request that was in flight for it when the process died.
 */
class CrashDurabilityIT {
  // the servers hold instances queued (StepflowProcess.HOLD_QUEUE), so every PATCH is a known move
  private static final String ACCOUNT = "acc1";
  private static final String WORKFLOW = "crash";
  private static final String WF = "/client/v4/accounts/" + ACCOUNT + "/workflows/" + WORKFLOW;
  private static final int INSTANCES = 200;

  /** The in-flight kill comes after this many acknowledgements, or half the window. */
  private static final int KILL_AFTER_ACKS = PatchLoad.MAX_REQUESTS / 2;

  @TempDir Path work;

  @Test
  void everyAcknowledgedChangeSurvivesAKillRightAfterTheLastAcknowledgement() throws Exception {
    Path data = work.resolve("data");
    List<String> ids = instanceIds();
    PatchLoad load;
    long killGapNanos;
    long deathNanos;
    try (StepflowProcess first =
        StepflowProcess.start(data, work, "first", StepflowProcess.HOLD_QUEUE)) {
      createWorkflowAndInstances(first.client(), ids);
      load = new PatchLoad(first.client(), WF, ids);
      load.start();
      load.awaitFinished();
      long killedAt = System.nanoTime();
      killGapNanos = killedAt - load.lastAckNanos();
      int exit = first.kill();
      deathNanos = System.nanoTime() - killedAt;
      assertThat(first.isAlive()).isFalse();
      assertThat(exit).as("exit value after SIGKILL (128 + 9)").isEqualTo(137);
    }
    assertThat(load.problems()).as("answers that break the contract").isEmpty();
    assertThat(load.unacknowledged()).as("requests without an answer").isEmpty();
    assertThat(load.acked()).isPositive();

    Recovered recovered = recover(data, ids);
    for (String id : ids) {
      List<Ack> acks = load.acks(id);
      assertThat(recovered.changes(id))
          .as("history of %s after the creation row", id)
          .containsExactlyElementsOf(acks.stream().map(Ack::change).toList());
      assertThat(recovered.status(id))
          .as("status of %s after the restart", id)
          .isEqualTo(acks.isEmpty() ? "queued" : acks.getLast().status());
    }
    System.out.printf(
        "CrashDurabilityIT[kill after last ack]: %d PATCH acknowledged (%d instances, %d client"
            + " threads) in %d ms = %.0f/s; SIGKILL %.2f ms after the last acknowledgement,"
            + " process gone %.1f ms later (exit 137); restart served after %d ms; %d history"
            + " rows checked, all present%n",
        load.acked(),
        INSTANCES,
        CLIENTS,
        load.elapsed().toMillis(),
        load.acked() * 1000.0 / Math.max(1, load.elapsed().toMillis()),
        killGapNanos / 1e6,
        deathNanos / 1e6,
        recovered.startup().toMillis(),
        recovered.rowCount());
  }

  @Test
  void everyAcknowledgedChangeSurvivesAKillWhileRequestsAreInFlight() throws Exception {
    Path data = work.resolve("data");
    List<String> ids = instanceIds();
    PatchLoad load;
    long killedAt;
    int clientsSendingAtKill;
    try (StepflowProcess first =
        StepflowProcess.start(data, work, "first", StepflowProcess.HOLD_QUEUE)) {
      createWorkflowAndInstances(first.client(), ids);
      load = new PatchLoad(first.client(), WF, ids);
      load.start();
      await()
          .atMost(SEND_WINDOW)
          .pollInterval(Duration.ofMillis(1))
          .until(
              () ->
                  load.acked() >= KILL_AFTER_ACKS
                      || load.elapsed().compareTo(SEND_WINDOW.dividedBy(2)) >= 0
                      || load.sendingClients() == 0);
      clientsSendingAtKill = load.sendingClients();
      killedAt = System.nanoTime();
      int exit = first.kill();
      assertThat(first.isAlive()).isFalse();
      assertThat(exit).as("exit value after SIGKILL (128 + 9)").isEqualTo(137);
      load.awaitFinished();
    }
    assertThat(load.problems()).as("answers that break the contract").isEmpty();
    assertThat(clientsSendingAtKill)
        .as("client threads still sending at the kill (unanswered: %s)", load.unacknowledged())
        .isEqualTo(CLIENTS);
    long inFlightAtKill =
        load.unacknowledged().stream().filter(u -> u.sentNanos() < killedAt).count();

    Recovered recovered = recover(data, ids);
    int committedUnacked = 0;
    for (String id : ids) {
      List<ClientChange> acked = load.acks(id).stream().map(Ack::change).toList();
      List<ClientChange> rows = recovered.changes(id);
      Optional<Unacked> pending = load.unacknowledged(id);
      assertThat(rows.size())
          .as("history rows of %s: %d acknowledged, unacknowledged %s", id, acked.size(), pending)
          .isBetween(acked.size(), acked.size() + (pending.isPresent() ? 1 : 0));
      assertThat(rows.subList(0, acked.size()))
          .as("acknowledged changes of %s, in order", id)
          .containsExactlyElementsOf(acked);
      if (rows.size() > acked.size()) {
        committedUnacked++;
        assertThat(rows.getLast().to())
            .as("the unacknowledged change of %s that committed", id)
            .isEqualTo(pending.orElseThrow().target());
      }
      String expected = rows.isEmpty() ? "queued" : rows.getLast().to();
      assertThat(recovered.status(id)).as("status of %s after the restart", id).isEqualTo(expected);
    }
    System.out.printf(
        "CrashDurabilityIT[kill in flight]: SIGKILL after %d PATCH acknowledged in %d ms with all"
            + " %d client threads sending; %d requests in flight at the kill, of which %d had"
            + " committed without an answer; restart served after %d ms; %d history rows checked,"
            + " every acknowledged change present%n",
        load.acked(),
        load.elapsed().toMillis(),
        clientsSendingAtKill,
        inFlightAtKill,
        committedUnacked,
        recovered.startup().toMillis(),
        recovered.rowCount());
  }

  private static List<String> instanceIds() {
    return IntStream.range(0, INSTANCES).mapToObj(i -> "i%03d".formatted(i)).toList();
  }

  private static void createWorkflowAndInstances(ApiClient api, List<String> ids) {
    assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
    for (int from = 0; from < ids.size(); from += 100) {
      String batch =
          ids.subList(from, Math.min(ids.size(), from + 100)).stream()
              .map(id -> "{\"instance_id\":\"" + id + "\"}")
              .collect(Collectors.joining(",", "[", "]"));
      ApiResponse created = api.post(WF + "/instances/batch", batch);
      assertThat(created.status()).as("batch create: %s", created.body()).isEqualTo(200);
    }
  }

  /** Starts a second process on the data folder, reads every status, stops it, reads history. */
  private static Recovered recover(Path data, List<String> ids) throws IOException {
    Map<String, String> statuses = new LinkedHashMap<>();
    Duration startup;
    try (StepflowProcess second =
        StepflowProcess.start(data, data.getParent(), "second", StepflowProcess.HOLD_QUEUE)) {
      startup = second.startup();
      ApiClient api = second.client();
      for (String id : ids) {
        ApiResponse response = api.get(WF + "/instances/" + id);
        assertThat(response.status()).as("GET %s after the restart", id).isEqualTo(200);
        statuses.put(id, response.result().get("status").asText());
      }
      second.stop();
    }
    Map<String, List<ClientChange>> histories = new LinkedHashMap<>();
    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      for (String id : ids) {
        List<StatusChange> history = store.history(new InstanceRef(ACCOUNT, WORKFLOW, id));
        assertThat(history).as("history of %s", id).isNotEmpty();
        assertThat(history.getFirst().trigger())
            .as("first history row of %s", id)
            .isEqualTo("create");
        histories.put(
            id,
            history.subList(1, history.size()).stream()
                .map(row -> new ClientChange(WireNames.status(row.to()), row.at()))
                .toList());
      }
    }
    return new Recovered(statuses, histories, startup);
  }

  /** What the second process and the store showed after the kill. */
  record Recovered(
      Map<String, String> statuses, Map<String, List<ClientChange>> histories, Duration startup) {
    String status(String id) {
      return statuses.get(id);
    }

    List<ClientChange> changes(String id) {
      return histories.get(id);
    }

    int rowCount() {
      return histories.values().stream().mapToInt(List::size).sum();
    }
  }
}
