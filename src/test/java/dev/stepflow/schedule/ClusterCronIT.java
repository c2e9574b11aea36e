package dev.stepflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.app.Config;
import dev.stepflow.app.StepflowServer;
import dev.stepflow.app.StoreSettings;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ShiftedClock;
import dev.stepflow.testing.TestPostgres;
import dev.stepflow.workflow.builtin.EffectLog;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes share one PostgreSQL database and one clock, and every node fires every due tick (no
 * node leads): each tick still creates exactly one instance, also after a node stopped, and no tick
 * is lost while a node is left. Two schedules tick together, so the nodes race on both at once.
 */
class ClusterCronIT {
  private static final String WF = "/client/v4/accounts/cluster/workflows/ticking";
  private static final List<String> CRONS = List.of("* * * * *", "*/1 * * * *");

  @TempDir Path temp;
  private final ShiftedClock clock = new ShiftedClock();
  private final List<StepflowServer> nodes = new ArrayList<>();
  private final List<ApiClient> clients = new ArrayList<>();

  private void startNodes(StoreSettings store, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      Path dataDir = Files.createDirectory(temp.resolve("node-" + nodes.size()));
      Config config =
          Config.of("127.0.0.1", 0, dataDir, Durability.PROCESS_CRASH)
              .withEffectsLog(dataDir.resolve("effects.log"))
              .withStore(store);
      StepflowServer node =
          StepflowServer.start(
              config,
              StepflowServer.builtInWorkflows(EffectLog.toFile(dataDir.resolve("effects.log"))),
              clock);
      nodes.add(node);
      clients.add(new ApiClient("http://127.0.0.1:" + node.port(), ApiClient.devToken(dataDir)));
    }
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(StepflowServer::close);
  }

  private static String path(String instanceId) {
    return WF
        + "/instances/"
        + URLEncoder.encode(instanceId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void awaitComplete(ApiClient api, String instanceId) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              var found = api.get(path(instanceId));
              return found.status() == 200
                  && found.result().get("status").asText().equals("complete");
            });
  }

  private List<String> instanceIds(ApiClient api) {
    List<String> ids = new ArrayList<>();
    for (JsonNode item : api.get(WF + "/instances?per_page=100").result()) {
      ids.add(item.get("id").asText());
    }
    return ids.stream().sorted().toList();
  }

  @Test
  void everyTickCreatesExactlyOneInstanceAcrossNodesWithNoLeaderAlsoAfterANodeStops()
      throws IOException {
    StoreSettings store =
        StoreSettings.postgres(
            TestPostgres.shared().createDatabase(),
            TestPostgres.USER,
            null,
            StoreSettings.DEFAULT_POOL_SIZE);
    startNodes(store, 3);
    // every node's first request loads the spec validator; time starts after them
    clients.forEach(api -> assertThat(api.get(WF).status()).isEqualTo(404));
    clock.advanceToJustBeforeAMinute(Duration.ofSeconds(20));
    Instant firstTick = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    assertThat(
            clients
                .get(0)
                .put(
                    WF,
                    "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"schedules\":"
                        + "[{\"cron\":\"* * * * *\"},{\"cron\":\"*/1 * * * *\"}]}")
                .status())
        .isEqualTo(200);

    List<String> expected = new ArrayList<>();
    for (int minute = 0; minute < 4; minute++) {
      clock.advance(minute == 0 ? Duration.ofSeconds(25) : Duration.ofMinutes(1));
      Instant tick = firstTick.plus(Duration.ofMinutes(minute));
      for (String cron : CRONS) {
        String id = cron + "-" + tick.toEpochMilli();
        expected.add(id);
        awaitComplete(clients.getLast(), id);
      }
      if (minute == 1) {
        // a node leaves between ticks; the two left go on firing every tick, once
        nodes.removeFirst().close();
        clients.removeFirst();
      }
    }

    for (ApiClient api : clients) {
      assertThat(instanceIds(api)).containsExactlyElementsOf(expected.stream().sorted().toList());
    }
  }
}
