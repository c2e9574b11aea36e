package dev.stepflow.app;

import static dev.stepflow.app.ClusterIT.ACCOUNT;
import static dev.stepflow.app.ClusterIT.JSON;
import static dev.stepflow.app.ClusterIT.LEASE_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.EffectLine;
import dev.stepflow.testing.TestCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The kill -9 scenario of {@link ClusterIT}: {@value #INSTANCES} instances of {@value #STEPS} steps
 * of 150 to 300 ms run on three nodes of 8 run slots each; {@value #VICTIM} is killed with SIGKILL
 * while it has step attempts in flight. Right after the kill the test reads from the database which
 * instances the victim held and which of their steps had committed (nobody can take them over
 * before their leases end, seconds later). Then every instance must complete on the other two, and
 * the three effect logs must show that
 *
 * <ul>
 *   <li>a step whose checkpoint had committed ran once, on the victim, and never again;
 *   <li>a step ran twice only when its attempt was in flight on the victim at the kill (the
 *       victim's last attempt of that instance, not committed), once there and once on another node
 *       after the kill; every other step ran exactly once;
 *   <li>no two attempts of one instance overlapped in time, on one node or on two (the victim's
 *       unfinished attempt counts as running until the process was gone).
 * </ul>
 *
 * It prints the failover time: from the kill to the first step of a taken-over instance that
 * completed on another node.
 */
final class ClusterKillCheck {
  private static final int INSTANCES = 90;
  private static final int STEPS = 4;
  private static final int BATCH = 30;
  private static final String VICTIM = "node-a";

  /** A workflow of its own, so that counts and listings see only this scenario's instances. */
  private static final String WF = "/client/v4/accounts/" + ACCOUNT + "/workflows/kill";

  private static final int MIN_IN_FLIGHT_AT_KILL = 3;
  private static final Duration RUN_WINDOW = Duration.ofSeconds(60);
  private static final Duration COMPLETION_DEADLINE = Duration.ofSeconds(90);

  /** A do step of an instance, by display name ({@code s0-1}). */
  record StepKey(String instanceId, String step) {}

  /** One attempt: where it ran, from its start line to its end line (or the victim's death). */
  record Attempt(String node, String instanceId, String step, Instant start, Instant end) {}

  /** What the victim held at the kill: its instances, their committed steps, its leases' end. */
  record Snapshot(Set<String> instances, Set<StepKey> committed, Instant leasesEnd) {}

  private final TestCluster cluster;

  ClusterKillCheck(TestCluster cluster) {
    this.cluster = cluster;
  }

  void run() throws Exception {
    ApiResponse put =
        ClusterIT.client("node-b")
            .put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"kill\"}");
    assertThat(put.status()).as("PUT workflow: %s", put.body()).isEqualTo(200);
    Map<String, List<String>> plan = plan();
    createAll(plan);
    awaitAttemptsInFlightOnTheVictim(plan);
    Instant killed = Instant.now();
    assertThat(cluster.node(VICTIM).process().kill()).as("exit value after SIGKILL").isEqualTo(137);
    Instant dead = Instant.now();
    Snapshot atKill = snapshot();
    assertThat(atKill.instances()).as("instances the victim held at the kill").isNotEmpty();

    await()
        .atMost(COMPLETION_DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> completeCount() == INSTANCES);
    List<Attempt> attempts = attempts(dead);
    assertRunsPerStep(plan, attempts, atKill, killed);
    assertNoOverlap(attempts);
    plan.forEach(this::assertEveryStepRecordedOnce);
    report(attempts, atKill, killed, dead);
  }

  /** Instance id to its do steps (display names). */
  private static Map<String, List<String>> plan() {
    Map<String, List<String>> plan = new LinkedHashMap<>();
    for (int i = 0; i < INSTANCES; i++) {
      plan.put(
          "k%03d".formatted(i), IntStream.range(0, STEPS).mapToObj(k -> "s" + k + "-1").toList());
    }
    return plan;
  }

  /** In batches, to each node in turn: any node accepts work for the whole cluster. */
  private static void createAll(Map<String, List<String>> plan) {
    List<String> ids = List.copyOf(plan.keySet());
    for (int from = 0; from < ids.size(); from += BATCH) {
      ArrayNode batch = JSON.createArrayNode();
      for (int i = from; i < Math.min(ids.size(), from + BATCH); i++) {
        ArrayNode steps = JSON.createArrayNode();
        for (int k = 0; k < STEPS; k++) {
          steps.addObject().put("do", "s" + k).put("ms", 150 + (i * 37 + k * 53) % 151);
        }
        ObjectNode instance = batch.addObject().put("instance_id", ids.get(i));
        instance.putObject("params").set("steps", steps);
      }
      String node = ClusterIT.NODES.get(from / BATCH % ClusterIT.NODES.size());
      ApiResponse created = ClusterIT.client(node).post(WF + "/instances/batch", batch.toString());
      assertThat(created.status()).as("batch create: %s", created.body()).isEqualTo(200);
    }
  }

  private void awaitAttemptsInFlightOnTheVictim(Map<String, List<String>> plan) {
    int total = plan.values().stream().mapToInt(List::size).sum();
    await()
        .atMost(RUN_WINDOW)
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              assertThat(cluster.node(VICTIM).process().isAlive()).as("victim alive").isTrue();
              List<EffectLine> lines = killLines();
              long started = lines.stream().filter(EffectLine::isStart).count();
              long inFlight =
                  attemptsOf(lines, Instant.MAX).stream()
                      .filter(a -> a.node().equals(VICTIM) && a.end().equals(Instant.MAX))
                      .count();
              return inFlight >= MIN_IN_FLIGHT_AT_KILL && started >= total / 5;
            });
  }

  /** The victim's instances and committed steps, read before any lease of it can have ended. */
  private Snapshot snapshot() throws SQLException {
    Set<String> instances = new HashSet<>();
    Set<StepKey> committed = new HashSet<>();
    Instant leasesEnd = Instant.EPOCH;
    try (Connection c = cluster.connect();
        PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT i.instance_id, i.lease_until, s.name, s.count, s.status
                  FROM instance i LEFT JOIN step s ON s.instance_seq = i.seq AND s.type = 'do'
                 WHERE i.account_id = ? AND i.owner_node = ?""")) {
      ps.setString(1, ACCOUNT);
      ps.setString(2, VICTIM);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          instances.add(rs.getString(1));
          Instant lease = Instant.ofEpochMilli(rs.getLong(2));
          leasesEnd = lease.isAfter(leasesEnd) ? lease : leasesEnd;
          if ("complete".equals(rs.getString(5))) {
            committed.add(new StepKey(rs.getString(1), rs.getString(3) + "-" + rs.getInt(4)));
          }
        }
      }
    }
    return new Snapshot(instances, committed, leasesEnd);
  }

  private static long completeCount() {
    ApiResponse page = ClusterIT.client("node-b").get(WF + "/instances?per_page=1&status=complete");
    assertThat(page.status()).as("list: %s", page.body()).isEqualTo(200);
    return page.body().get("result_info").get("total_count").asLong();
  }

  private List<EffectLine> killLines() {
    return ClusterIT.allLines().stream()
        .filter(l -> l.instanceId().startsWith("k") && l.attemptKind().equals("do"))
        .toList();
  }

  private List<Attempt> attempts(Instant victimDied) {
    List<Attempt> attempts = attemptsOf(killLines(), victimDied);
    assertThat(attempts)
        .as("every attempt of a live node ended")
        .noneMatch(a -> !a.node().equals(VICTIM) && a.end().equals(victimDied));
    return attempts;
  }

  /**
   * Pairs start and end lines per node, in file order; an attempt without an end line ends at
   * {@code openEnd} (the victim's death, or Instant.MAX while it lives).
   */
  private static List<Attempt> attemptsOf(List<EffectLine> lines, Instant openEnd) {
    List<Attempt> attempts = new ArrayList<>();
    Map<String, Deque<EffectLine>> open = new HashMap<>();
    for (EffectLine line : lines) {
      String key = line.node() + "/" + line.instanceId() + "/" + line.step() + "/" + line.attempt();
      if (line.isStart()) {
        open.computeIfAbsent(key, k -> new ArrayDeque<>()).add(line);
      } else {
        EffectLine start = open.get(key).poll();
        attempts.add(
            new Attempt(start.node(), start.instanceId(), start.step(), start.at(), line.at()));
      }
    }
    open.values().stream()
        .flatMap(Deque::stream)
        .forEach(
            s -> attempts.add(new Attempt(s.node(), s.instanceId(), s.step(), s.at(), openEnd)));
    return attempts;
  }

  private static void assertRunsPerStep(
      Map<String, List<String>> plan, List<Attempt> attempts, Snapshot atKill, Instant killed) {
    Map<StepKey, List<Attempt>> byStep =
        attempts.stream()
            .sorted(Comparator.comparing(Attempt::start))
            .collect(Collectors.groupingBy(a -> new StepKey(a.instanceId(), a.step())));
    plan.forEach(
        (id, steps) -> {
          for (String step : steps) {
            StepKey key = new StepKey(id, step);
            List<Attempt> runs = byStep.getOrDefault(key, List.of());
            if (atKill.committed().contains(key)) {
              assertThat(runs)
                  .as("%s had committed at the kill: one attempt, on the victim", key)
                  .singleElement()
                  .matches(a -> a.node().equals(VICTIM));
            } else if (runs.size() == 2) {
              assertInFlightAtTheKillThenTakenOver(key, runs, attempts, atKill, killed);
            } else {
              assertThat(runs).as("attempts of %s", key).hasSize(1);
            }
          }
        });
  }

  private static void assertInFlightAtTheKillThenTakenOver(
      StepKey key, List<Attempt> runs, List<Attempt> attempts, Snapshot atKill, Instant killed) {
    Attempt first = runs.get(0);
    Attempt second = runs.get(1);
    assertThat(first.node()).as("%s first ran on the victim", key).isEqualTo(VICTIM);
    assertThat(atKill.instances())
        .as("the victim held %s", key.instanceId())
        .contains(key.instanceId());
    Attempt victimsLast =
        attempts.stream()
            .filter(a -> a.node().equals(VICTIM) && a.instanceId().equals(key.instanceId()))
            .max(Comparator.comparing(Attempt::start))
            .orElseThrow();
    assertThat(victimsLast)
        .as("%s was the victim's attempt in flight at the kill", key)
        .isEqualTo(first);
    assertThat(second.node()).as("%s ran again on a live node", key).isNotEqualTo(VICTIM);
    assertThat(second.start()).as("%s ran again after the kill", key).isAfter(killed);
  }

  private static void assertNoOverlap(List<Attempt> attempts) {
    Map<String, List<Attempt>> byInstance =
        attempts.stream().collect(Collectors.groupingBy(Attempt::instanceId));
    byInstance.forEach(
        (id, list) -> {
          List<Attempt> sorted =
              list.stream().sorted(Comparator.comparing(Attempt::start)).toList();
          for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i).start())
                .as(
                    "%s began before %s ended: one instance ran twice at once",
                    sorted.get(i), sorted.get(i - 1))
                .isAfterOrEqualTo(sorted.get(i - 1).end());
          }
        });
  }

  private void assertEveryStepRecordedOnce(String id, List<String> steps) {
    ApiResponse response = ClusterIT.client("node-c").get(WF + "/instances/" + id);
    assertThat(response.status()).as("GET %s: %s", id, response.body()).isEqualTo(200);
    JsonNode instance = response.result();
    assertThat(instance.get("status").asText()).as("status of %s", id).isEqualTo("complete");
    List<String> names = new ArrayList<>();
    for (JsonNode step : instance.get("steps")) {
      names.add(step.get("name").asText());
      assertThat(step.path("success").asBoolean(false)).as("%s of %s", step, id).isTrue();
      assertThat(step.get("attempts").size()).as("recorded attempts: %s of %s", step, id).isOne();
    }
    assertThat(names).as("steps of %s", id).containsExactlyElementsOf(steps);
  }

  private static void report(
      List<Attempt> attempts, Snapshot atKill, Instant killed, Instant dead) {
    List<Attempt> takenOver =
        attempts.stream()
            .filter(a -> atKill.instances().contains(a.instanceId()) && a.start().isAfter(killed))
            .toList();
    Instant firstStart =
        takenOver.stream().map(Attempt::start).min(Instant::compareTo).orElseThrow();
    Instant firstEnd = takenOver.stream().map(Attempt::end).min(Instant::compareTo).orElseThrow();
    Duration failover = Duration.between(killed, firstEnd);
    long twice =
        attempts.stream()
            .collect(Collectors.groupingBy(a -> a.instanceId() + a.step()))
            .values()
            .stream()
            .filter(l -> l.size() > 1)
            .count();
    Map<String, Long> perNode =
        attempts.stream().collect(Collectors.groupingBy(Attempt::node, Collectors.counting()));
    assertThat(failover)
        .as(
            "failover with the default lease (%d s): the lease, the takeover scan (1 s), one step"
                + " (<= 300 ms)",
            LEASE_SECONDS)
        .isLessThan(Duration.ofSeconds(10));
    System.out.printf(
        "ClusterIT[kill -9 of %s]: %d instances x %d steps on 3 nodes (attempts per node %s);"
            + " dead %d ms after SIGKILL, holding %d instances (%d steps committed); its leases"
            + " ended %d ms after the kill; first takeover attempt began %d ms and first"
            + " taken-over step completed %d ms after the kill (failover); %d steps ran twice, each"
            + " in flight on the victim at the kill; no committed step ran again; no overlap%n",
        VICTIM,
        INSTANCES,
        STEPS,
        new java.util.TreeMap<>(perNode),
        Duration.between(killed, dead).toMillis(),
        atKill.instances().size(),
        atKill.committed().size(),
        Duration.between(killed, atKill.leasesEnd()).toMillis(),
        Duration.between(killed, firstStart).toMillis(),
        failover.toMillis(),
        twice);
  }
}
