package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.engine.runtime.NodeSettings;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.EffectLine;
import dev.stepflow.testing.TestCluster;
import dev.stepflow.testing.TestCluster.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged nodes, separate processes, on one PostgreSQL database (fsync on), with the default
 * lease time ({@value #LEASE_SECONDS} s). A client's status change sent to one node takes effect
 * where the instance runs, within a second; events and timers wake instances whichever node holds
 * them; a node is killed with SIGKILL mid-run ({@link ClusterKillCheck} checks the effect logs of
 * all three and the database); and a node stopped cleanly hands its instances over at once. The
 * nodes' effect logs say which node ran which attempt when.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ACCOUNT = "cluster";
  static final String WF = "/client/v4/accounts/" + ACCOUNT + "/workflows/scripted";
  static final int LEASE_SECONDS = NodeSettings.DEFAULT_LEASE_SECONDS;
  static final List<String> NODES = List.of("node-a", "node-b", "node-c");
  private static final Duration WITHIN_A_SECOND = Duration.ofSeconds(1);
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir static Path work;
  static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster =
        TestCluster.start(
            work,
            NODES,
            List.of(
                "--max-running", "8",
                "--create-rate-per-account", "0",
                "--create-rate-per-workflow", "0"));
    ApiResponse put =
        client("node-a").put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"cluster\"}");
    assertThat(put.status()).as("PUT workflow: %s", put.body()).isEqualTo(200);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void terminateSentToAnotherNodeInterruptsTheStepRunningThereWithinASecond() throws Exception {
    create("node-a", "term", "[{\"do\":\"slow\",\"ms\":30000},{\"do\":\"after\"}]");
    EffectLine slow = awaitLine("term", "do", "slow-1");
    Instant sent = Instant.now();
    ApiResponse terminated = patch(otherThan(slow.node()), "term", "{\"status\":\"terminate\"}");
    assertThat(terminated.result().get("status").asText()).isEqualTo("terminated");

    EffectLine ended = awaitLine("term", "do-end", "slow-1");
    assertThat(ended.node()).isEqualTo(slow.node());
    Instant accepted = statusChangeTime("term", "terminated").orElseThrow();
    Duration latency = Duration.between(accepted, ended.at());
    assertThat(latency)
        .as("terminate accepted by another node -> the step on %s interrupted", slow.node())
        .isLessThan(WITHIN_A_SECOND);
    Thread.sleep(500);
    assertThat(starts("term")).as("nothing ran after the terminate").containsExactly("slow-1");
    assertThat(status(thirdNode(slow.node(), otherThan(slow.node())), "term"))
        .isEqualTo("terminated");
    System.out.printf(
        "ClusterIT[terminate]: accepted by %s, the step running on %s was interrupted %d ms later"
            + " (%d ms after the client sent it)%n",
        otherThan(slow.node()),
        slow.node(),
        latency.toMillis(),
        Duration.between(sent, ended.at()).toMillis());
  }

  @Test
  @Order(2)
  void pauseSentToAnotherNodeStopsTheRunAfterItsStepAndResumeFromAThirdGoesOn() throws Exception {
    create("node-b", "pause", "[{\"do\":\"slow\",\"ms\":1500},{\"do\":\"next\",\"ms\":10}]");
    EffectLine slow = awaitLine("pause", "do", "slow-1");
    String other = otherThan(slow.node());
    assertThat(patch(other, "pause", "{\"status\":\"pause\"}").result().get("status").asText())
        .isEqualTo("waitingForPause");
    awaitStatus(other, "pause", "paused");
    EffectLine ended = awaitLine("pause", "do-end", "slow-1");
    Instant pausedAt = statusChangeTime("pause", "paused").orElseThrow();
    assertThat(Duration.between(ended.at(), pausedAt))
        .as("the step ended -> paused")
        .isLessThan(WITHIN_A_SECOND);
    Thread.sleep(500);
    assertThat(starts("pause")).as("no step starts while paused").containsExactly("slow-1");

    String third = thirdNode(slow.node(), other);
    assertThat(patch(third, "pause", "{\"status\":\"resume\"}").result().get("status").asText())
        .isEqualTo("queued");
    awaitStatus(third, "pause", "complete");
    assertThat(starts("pause")).containsExactly("slow-1", "next-1");
  }

  @Test
  @Order(3)
  void resumeSentToAThirdNodeWhileAPauseWaitsForTheStepWithdrawsThePauseWhereItRuns()
      throws Exception {
    create("node-c", "unpause", "[{\"do\":\"slow\",\"ms\":1500},{\"do\":\"next\",\"ms\":10}]");
    EffectLine slow = awaitLine("unpause", "do", "slow-1");
    String other = otherThan(slow.node());
    String third = thirdNode(slow.node(), other);
    assertThat(patch(other, "unpause", "{\"status\":\"pause\"}").result().get("status").asText())
        .isEqualTo("waitingForPause");
    assertThat(patch(third, "unpause", "{\"status\":\"resume\"}").result().get("status").asText())
        .isEqualTo("running");

    awaitStatus(third, "unpause", "complete");
    EffectLine ended = awaitLine("unpause", "do-end", "slow-1");
    EffectLine next = awaitLine("unpause", "do", "next-1");
    assertThat(Duration.between(ended.at(), next.at()))
        .as("slow ended -> next started, without a pause")
        .isLessThan(WITHIN_A_SECOND);
    assertThat(statusChangeTime("unpause", "paused")).as("never paused").isEmpty();
  }

  @Test
  @Order(4)
  void restartSentToAnotherNodeInterruptsTheRunThereAndRunsTheInstanceAgain() throws Exception {
    create("node-a", "again", "[{\"do\":\"first\",\"ms\":20},{\"do\":\"slow\",\"ms\":2500}]");
    EffectLine slow = awaitLine("again", "do", "slow-1");
    String other = otherThan(slow.node());
    assertThat(patch(other, "again", "{\"status\":\"restart\"}").result().get("status").asText())
        .isEqualTo("queued");
    EffectLine interrupted = awaitLine("again", "do-end", "slow-1");
    Instant accepted = statusChangeTime("again", "queued").orElseThrow();
    assertThat(Duration.between(accepted, interrupted.at()))
        .as("restart accepted by %s -> the step on %s interrupted", other, slow.node())
        .isLessThan(WITHIN_A_SECOND);

    awaitStatus(other, "again", "complete");
    assertThat(starts("again")).containsExactly("first-1", "slow-1", "first-1", "slow-1");
  }

  @Test
  @Order(5)
  void anEventSentToAnyNodeAndASleepThatEndsWakeTheInstanceWhereverItWaits() throws Exception {
    create(
        "node-b",
        "wake",
        "[{\"sleep\":\"nap\",\"ms\":1500},{\"waitForEvent\":\"w\",\"type\":\"go\"},"
            + "{\"do\":\"after\",\"ms\":10}]");
    awaitStatus("node-a", "wake", "waiting");
    Instant slept = Instant.now();
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> stepNames(instance("node-c", "wake")).contains("w-1"));
    assertThat(Duration.between(slept, Instant.now()))
        .as("the nap of 1.5 s ended and the event wait began")
        .isLessThan(Duration.ofSeconds(4));
    Instant sent = Instant.now();
    ApiResponse event = client("node-c").post(WF + "/instances/wake/events/go", "{\"n\":1}");
    assertThat(event.status()).as("event: %s", event.body()).isEqualTo(200);
    EffectLine after = awaitLine("wake", "do", "after-1");
    assertThat(Duration.between(sent, after.at()))
        .as("event sent -> the next step started")
        .isLessThan(WITHIN_A_SECOND);
    awaitStatus("node-a", "wake", "complete");
  }

  @Test
  @Order(6)
  void killingANodeMidRunMovesItsInstancesToTheOthersAndRunsNoCommittedStepTwice()
      throws Exception {
    new ClusterKillCheck(cluster).run();
  }

  /** After the kill: node-b and node-c are left. */
  @Test
  @Order(7)
  void aNodeStoppedCleanlyGivesUpItsLeasesAndTheOtherFinishesItsInstances() throws Exception {
    String stopWf = "/client/v4/accounts/" + ACCOUNT + "/workflows/stop";
    ApiClient api = client("node-c");
    assertThat(api.put(stopWf, "{\"class_name\":\"Scripted\",\"script_name\":\"stop\"}").status())
        .isEqualTo(200);
    ArrayNode batch = JSON.createArrayNode();
    for (int i = 0; i < 16; i++) {
      ObjectNode item = batch.addObject().put("instance_id", "stop-" + i);
      item.putObject("params")
          .set("steps", JSON.readTree("[{\"do\":\"a\",\"ms\":400},{\"do\":\"b\",\"ms\":400}]"));
    }
    assertThat(api.post(stopWf + "/instances/batch", batch.toString()).status()).isEqualTo(200);
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () ->
                EffectLine.read("node-b", cluster.node("node-b").effects()).stream()
                    .anyMatch(l -> l.instanceId().startsWith("stop-")));

    assertThat(cluster.node("node-b").process().stop())
        .as("exit value after SIGTERM")
        .isEqualTo(143);
    try (Connection c = cluster.connect();
        var st = c.createStatement();
        ResultSet owned =
            st.executeQuery("SELECT COUNT(*) FROM instance WHERE owner_node = 'node-b'")) {
      owned.next();
      assertThat(owned.getInt(1)).as("instances node-b still holds after its shutdown").isZero();
    }
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                api.get(stopWf + "/instances?per_page=1&status=complete")
                        .body()
                        .get("result_info")
                        .get("total_count")
                        .asInt()
                    == 16);
  }

  // --- helpers shared with ClusterKillCheck ---

  static ApiClient client(String node) {
    return cluster.node(node).client();
  }

  private static void create(String node, String id, String stepsJson) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("instance_id", id);
    body.putObject("params").set("steps", JSON.readTree(stepsJson));
    ApiResponse created = client(node).post(WF + "/instances", body.toString());
    assertThat(created.status()).as("create %s: %s", id, created.body()).isEqualTo(200);
  }

  private static ApiResponse patch(String node, String id, String body) {
    ApiResponse response = client(node).patch(WF + "/instances/" + id + "/status", body);
    assertThat(response.status())
        .as("PATCH %s at %s: %s", body, node, response.body())
        .isEqualTo(200);
    return response;
  }

  private static JsonNode instance(String node, String id) {
    ApiResponse response = client(node).get(WF + "/instances/" + id);
    assertThat(response.status()).as("GET %s: %s", id, response.body()).isEqualTo(200);
    return response.result();
  }

  private static String status(String node, String id) {
    return instance(node, id).get("status").asText();
  }

  private static void awaitStatus(String node, String id, String expected) {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> status(node, id).equals(expected));
  }

  private static List<String> stepNames(JsonNode instance) {
    List<String> names = new ArrayList<>();
    instance.get("steps").forEach(s -> names.add(s.get("name").asText()));
    return names;
  }

  /** Every line of every node's effect log, in node order then file order. */
  static List<EffectLine> allLines() {
    List<EffectLine> lines = new ArrayList<>();
    for (Node node : cluster.nodes()) {
      lines.addAll(EffectLine.read(node.id(), node.effects()));
    }
    return lines;
  }

  /** The steps whose attempts started for {@code id}, in start time order, across the nodes. */
  private static List<String> starts(String id) {
    return allLines().stream()
        .filter(l -> l.instanceId().equals(id) && l.isStart())
        .sorted((a, b) -> a.at().compareTo(b.at()))
        .map(EffectLine::step)
        .toList();
  }

  /** Waits for the last line of that kind and step of {@code id}, on whichever node wrote it. */
  private static EffectLine awaitLine(String id, String kind, String step) {
    return await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () ->
                allLines().stream()
                    .filter(
                        l ->
                            l.instanceId().equals(id)
                                && l.kind().equals(kind)
                                && l.step().equals(step))
                    .reduce((first, second) -> second),
            Optional::isPresent)
        .orElseThrow();
  }

  /** A node other than {@code node} (the next in the list). */
  private static String otherThan(String node) {
    return NODES.get((NODES.indexOf(node) + 1) % NODES.size());
  }

  private static String thirdNode(String one, String two) {
    return NODES.stream().filter(n -> !n.equals(one) && !n.equals(two)).findFirst().orElseThrow();
  }

  /** When the instance last moved to {@code to}, as the database recorded it. */
  private static Optional<Instant> statusChangeTime(String id, String to) throws SQLException {
    try (Connection c = cluster.connect();
        PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT MAX(h.at) FROM status_change h JOIN instance i ON i.seq = h.instance_seq
                 WHERE i.account_id = ? AND i.instance_id = ? AND h.to_status = ?""")) {
      ps.setString(1, ACCOUNT);
      ps.setString(2, id);
      ps.setString(3, to);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long at = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
      }
    }
  }
}
