package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history of an instance the engine runs: the engine's own moves are its actor's (no name, no
 * reason, no request id), between the client's; and the engine's moves change the ETag too, so a
 * client's If-Match read before the engine moved on no longer holds.
 */
class EngineHistoryIT {
  @RegisterExtension static final TestServer server = new TestServer();
  private static final String WF = "/client/v4/accounts/engine-history/workflows/sleepy";

  @Test
  void theEnginesMovesAreRecordedAsTheEnginesAndMoveTheEtag() {
    ApiClient api = server.client();
    api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
    api.post(
        WF + "/instances",
        "{\"instance_id\":\"s1\",\"params\":{\"steps\":[{\"do\":\"a\",\"ms\":500},"
            + "{\"sleep\":\"nap\",\"ms\":600000}]}}");
    // queued or running (the first step takes half a second): either way before the engine's
    // move into waiting
    String earlierTag = api.get(WF + "/instances/s1").header("ETag");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> api.get(WF + "/instances/s1").result().get("status").asText(), "waiting"::equals);

    ApiResponse stale =
        api.send(
            "PATCH",
            WF + "/instances/s1/status",
            "{\"status\":\"terminate\"}",
            "application/json",
            Map.of("If-Match", earlierTag));
    ApiResponse terminated =
        api.send(
            "PATCH",
            WF + "/instances/s1/status",
            "{\"status\":\"terminate\"}",
            "application/json",
            Map.of(
                "If-Match",
                api.get(WF + "/instances/s1").header("ETag"),
                "X-Stepflow-Reason",
                "nap too long"));

    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.result().get("status").asText()).isEqualTo("waiting");
    assertThat(terminated.status()).isEqualTo(200);
    List<String> rows = new ArrayList<>();
    for (JsonNode e : api.get(WF + "/instances/s1/history").result()) {
      rows.add(
          e.get("trigger").asText()
              + " "
              + e.get("actor").get("type").asText()
              + " "
              + e.get("reason").asText("-")
              + " "
              + (e.get("request_id").isNull() ? "-" : "id"));
    }
    assertThat(rows)
        .containsExactly(
            "create token - id",
            "RUN_STARTED engine - -",
            "RUN_SUSPENDED engine - -",
            "terminate token nap too long id");
  }
}
