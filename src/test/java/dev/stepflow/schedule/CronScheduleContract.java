package dev.stepflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.app.Config;
import dev.stepflow.app.StepflowServer;
import dev.stepflow.app.StoreSettings;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.ShiftedClock;
import dev.stepflow.workflow.builtin.EffectLog;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cron schedules through HTTP on a real server, for each store, on a clock the test moves (no test
 * waits for a real minute): each tick creates one instance named by the expression and the tick,
 * triggered by cron, which the built-in Scripted workflow runs; ticks missed while time jumped or
 * while no server ran are not made up, except the latest.
 */
abstract class CronScheduleContract {
  static final String WF = "/client/v4/accounts/cron/workflows/ticking";
  static final String EVERY_MINUTE = "* * * * *";

  /** A fresh store for one test; {@link #restart} reopens the same one. */
  abstract StoreSettings freshStore();

  private final List<StepflowServer> servers = new ArrayList<>();
  private ShiftedClock clock;
  private StoreSettings store;
  @TempDir Path dataDir;
  private ApiClient api;

  /** The first whole minute the clock reaches: the schedules' first tick. */
  private Instant firstTick;

  @BeforeEach
  void startOnAClockJustBeforeAMinute() throws IOException {
    clock = new ShiftedClock();
    store = freshStore();
    start();
    // the first request of a JVM is slow (the spec validator loads): time starts after it
    assertThat(api.get(WF).status()).isEqualTo(404);
    clock.advanceToJustBeforeAMinute(Duration.ofSeconds(20));
    firstTick = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
  }

  private void start() {
    Config config =
        Config.of("127.0.0.1", 0, dataDir, Durability.PROCESS_CRASH)
            .withEffectsLog(dataDir.resolve("effects.log"))
            .withStore(store);
    StepflowServer server =
        StepflowServer.start(
            config,
            StepflowServer.builtInWorkflows(EffectLog.toFile(dataDir.resolve("effects.log"))),
            clock);
    servers.add(server);
    api = new ApiClient("http://127.0.0.1:" + server.port(), ApiClient.devToken(dataDir));
  }

  private void restart() {
    servers.removeLast().close();
    start();
  }

  @AfterEach
  void stop() {
    servers.forEach(StepflowServer::close);
  }

  private void putSchedules(String... crons) {
    StringBuilder schedules = new StringBuilder();
    for (String cron : crons) {
      schedules.append(schedules.isEmpty() ? "" : ",").append("{\"cron\":\"").append(cron);
      schedules.append("\"}");
    }
    ApiResponse put =
        api.put(
            WF,
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"schedules\":["
                + schedules
                + "]}");
    assertThat(put.status()).isEqualTo(200);
  }

  private static String path(String instanceId) {
    return WF
        + "/instances/"
        + URLEncoder.encode(instanceId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String idOf(String cron, Instant tick) {
    return cron + "-" + tick.toEpochMilli();
  }

  private List<String> instanceIds() {
    List<String> ids = new ArrayList<>();
    for (JsonNode item : api.get(WF + "/instances?per_page=100").result()) {
      ids.add(item.get("id").asText());
    }
    return ids.stream().sorted().toList();
  }

  private JsonNode awaitInstance(String instanceId, String status) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              ApiResponse found = api.get(path(instanceId));
              return found.status() == 200 && found.result().get("status").asText().equals(status);
            });
    return api.get(path(instanceId)).result();
  }

  /** Moves the clock by {@code amount} and lets the servers see it (a dispatcher pass or two). */
  private void advance(Duration amount) {
    clock.advance(amount);
  }

  @Test
  void getWorkflowShowsEachScheduleWithItsNextTick() {
    putSchedules(EVERY_MINUTE, "*/30 * * * *");

    JsonNode schedules = api.get(WF).result().get("schedules");

    assertThat(schedules).hasSize(2);
    assertThat(schedules.get(0).get("cron").asText()).isEqualTo(EVERY_MINUTE);
    assertThat(Instant.parse(schedules.get(0).get("next_instance").asText())).isEqualTo(firstTick);
    assertThat(schedules.get(1).get("cron").asText()).isEqualTo("*/30 * * * *");
    Instant next30 = Instant.parse(schedules.get(1).get("next_instance").asText());
    assertThat(next30.getEpochSecond() % 1800).isZero();
    assertThat(next30).isAfter(clock.instant()).isBefore(clock.instant().plusSeconds(1801));
  }

  @Test
  void eachTickCreatesOneInstanceTriggeredByCronThatTheWorkflowRuns() {
    putSchedules(EVERY_MINUTE);
    assertThat(instanceIds()).isEmpty();

    for (int minute = 0; minute < 3; minute++) {
      advance(minute == 0 ? Duration.ofSeconds(25) : Duration.ofMinutes(1));
      Instant tick = firstTick.plus(Duration.ofMinutes(minute));
      JsonNode details = awaitInstance(idOf(EVERY_MINUTE, tick), "complete");

      assertThat(details.get("trigger").get("source").asText()).isEqualTo("cron");
      assertThat(details.get("schedule").get("cron").asText()).isEqualTo(EVERY_MINUTE);
      assertThat(Instant.parse(details.get("schedule").get("scheduledTime").asText()))
          .isEqualTo(tick);
    }

    assertThat(instanceIds())
        .containsExactly(
            idOf(EVERY_MINUTE, firstTick),
            idOf(EVERY_MINUTE, firstTick.plus(Duration.ofMinutes(1))),
            idOf(EVERY_MINUTE, firstTick.plus(Duration.ofMinutes(2))));
    for (JsonNode item : api.get(WF + "/instances").result()) {
      assertThat(item.get("trigger_source").asText()).isEqualTo("cron");
    }
  }

  @Test
  void aJumpOverManyTicksCreatesOnlyTheLatest() {
    putSchedules(EVERY_MINUTE);

    advance(Duration.ofMinutes(10));
    Instant latest = firstTick.plus(Duration.ofMinutes(9));
    awaitInstance(idOf(EVERY_MINUTE, latest), "complete");

    assertThat(instanceIds()).containsExactly(idOf(EVERY_MINUTE, latest));
  }

  @Test
  void ticksMissedWhileNoServerRanAreSkippedExceptTheLatest() {
    putSchedules(EVERY_MINUTE);
    advance(Duration.ofSeconds(25));
    awaitInstance(idOf(EVERY_MINUTE, firstTick), "complete");

    servers.removeLast().close();
    advance(Duration.ofMinutes(5));
    start();

    Instant latest = firstTick.plus(Duration.ofMinutes(5));
    awaitInstance(idOf(EVERY_MINUTE, latest), "complete");
    assertThat(instanceIds())
        .containsExactly(idOf(EVERY_MINUTE, firstTick), idOf(EVERY_MINUTE, latest));
  }

  @Test
  void aRestartedServerDoesNotFireATickAgainEvenWhenItsInstanceWasDeleted() {
    putSchedules(EVERY_MINUTE);
    advance(Duration.ofSeconds(25));
    String first = idOf(EVERY_MINUTE, firstTick);
    awaitInstance(first, "complete");
    assertThat(api.delete(path(first)).status()).isEqualTo(200);

    restart();
    advance(Duration.ofSeconds(5));
    String second = idOf(EVERY_MINUTE, firstTick.plus(Duration.ofMinutes(1)));
    advance(Duration.ofMinutes(1));
    awaitInstance(second, "complete");

    assertThat(instanceIds()).containsExactly(second);
  }

  @Test
  void aNewVersionWithoutSchedulesStopsTheTicks() {
    putSchedules(EVERY_MINUTE);
    advance(Duration.ofSeconds(25));
    awaitInstance(idOf(EVERY_MINUTE, firstTick), "complete");

    putSchedules();
    advance(Duration.ofMinutes(3));
    // a tick of a schedule still live would have been fired by now: a dispatcher pass is < 1 s
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);

    assertThat(instanceIds()).containsExactly(idOf(EVERY_MINUTE, firstTick));
    assertThat(api.get(WF).result().get("schedules")).isEmpty();
  }
}
