package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Scripted workflow the recovery ITs run on a packaged server process, driven over HTTP: the
 * server's options, creating the workflow and its instances, reading them, and waiting for a status
 * or an effect line.
 */
final class RecoveryWorkflow {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ACCOUNT = "recovery";
  static final String WORKFLOW = "scripted";
  static final String WF = "/client/v4/accounts/" + ACCOUNT + "/workflows/" + WORKFLOW;
  static final String EFFECTS_FILE = "effects.log";
  private static final Duration STATUS_DEADLINE = Duration.ofSeconds(20);

  private RecoveryWorkflow() {}

  /** The effects log; and no creation rate limit, since setup creates instances in bulk. */
  static List<String> effects(Path file) {
    return List.of(
        "--effects-log",
        file.toString(),
        "--create-rate-per-workflow",
        "0",
        "--create-rate-per-account",
        "0");
  }

  static void createWorkflow(ApiClient api) {
    ApiResponse put = api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"recovery\"}");
    assertThat(put.status()).as("PUT workflow: %s", put.body()).isEqualTo(200);
  }

  static void create(ApiClient api, String id, String stepsJson) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("instance_id", id);
    body.putObject("params").set("steps", JSON.readTree(stepsJson));
    ApiResponse created = api.post(WF + "/instances", body.toString());
    assertThat(created.status()).as("create: %s", created.body()).isEqualTo(200);
  }

  static JsonNode instance(ApiClient api, String id) {
    ApiResponse response = api.get(WF + "/instances/" + id);
    assertThat(response.status()).as("GET %s: %s", id, response.body()).isEqualTo(200);
    return response.result();
  }

  static String status(ApiClient api, String id) {
    return instance(api, id).get("status").asText();
  }

  static void awaitStatus(ApiClient api, String id, String expected) {
    await()
        .atMost(STATUS_DEADLINE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> status(api, id).equals(expected));
  }

  static void awaitEffect(Path effectsFile, EffectStart expected) {
    await()
        .atMost(STATUS_DEADLINE)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> EffectStart.read(effectsFile).contains(expected));
  }

  static List<String> stepNames(JsonNode instance, String type) {
    List<String> names = new ArrayList<>();
    for (JsonNode step : instance.get("steps")) {
      if (step.get("type").asText().equals(type)) {
        names.add(step.get("name").asText());
      }
    }
    return names;
  }
}
