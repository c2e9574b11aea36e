package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance whose workflow class the running server has not registered is never failed for it
 * (DESIGN.md section 5): three server processes on one data folder, the first with the class (its
 * instance killed mid-run, after its first checkpoint), the second without it, the third with it
 * again.
 */
class UnknownWorkflowClassIT {
  private static final String WF = "/client/v4/accounts/acc/workflows/bookings";
  private static final List<String> WITH_CLASS = List.of("-Dbooking.registered=true");

  @TempDir Path work;

  @Test
  void anInstanceWaitsVisiblyForItsClassKeepsItsCheckpointsAndContinuesWhenTheClassIsBack()
      throws Exception {
    Path data = work.resolve("data");
    String reservation;
    try (StepflowProcess first =
        StepflowProcess.startEmbedded(
            BookingServer.class.getName(),
            List.of("-Dbooking.registered=true", "-Dbooking.confirm.ms=60000"),
            data,
            work,
            "with-class")) {
      ApiClient api = first.client();
      assertThat(api.put(WF, "{\"class_name\":\"Booking\",\"script_name\":\"b\"}").status())
          .isEqualTo(200);
      assertThat(api.post(WF + "/instances", "{\"instance_id\":\"b1\"}").status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> steps(api, "b1").size() == 2);
      reservation = steps(api, "b1").get(0).get("output").asText();
      assertThat(first.kill()).as("SIGKILL while confirm-1 runs").isEqualTo(137);
    }

    try (StepflowProcess without =
        StepflowProcess.startEmbedded(
            BookingServer.class.getName(), List.of(), data, work, "without-class")) {
      ApiClient api = without.client();
      assertThat(api.post(WF + "/instances", "{\"instance_id\":\"b2\"}").status()).isEqualTo(200);

      // the killed server's heartbeat counts as alive for one lease time, then no node has it
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> "Booking".equals(details(api, "b1").path("unavailable_class").asText()));
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  details(api, "b1").get("status").asText().equals("running")
                      && details(api, "b2").get("status").asText().equals("queued"));
      assertThat(details(api, "b2").get("unavailable_class").asText()).isEqualTo("Booking");
      assertThat(steps(api, "b1").get(0).get("output").asText())
          .as("the checkpoint of reserve-1 is kept")
          .isEqualTo(reservation);

      // the table applies meanwhile; a paused instance needs no code, so it waits for nothing
      assertThat(api.patch(WF + "/instances/b2/status", "{\"status\":\"pause\"}").status())
          .isEqualTo(200);
      assertThat(details(api, "b2").get("status").asText()).isEqualTo("paused");
      assertThat(details(api, "b2").has("unavailable_class")).isFalse();
      assertThat(api.patch(WF + "/instances/b2/status", "{\"status\":\"resume\"}").status())
          .isEqualTo(200);

      // one warning per class, however many instances and scans (a scan every 10 s)
      await().atMost(Duration.ofSeconds(15)).until(() -> warnings(without) == 1);
      Thread.sleep(11_000);
      assertThat(warnings(without)).as(without.stderrTail()).isEqualTo(1);
      assertThat(Files.readString(without.stderrFile())).doesNotContain("Exception");
      assertThat(without.stop()).isNotEqualTo(137);
    }

    try (StepflowProcess back =
        StepflowProcess.startEmbedded(
            BookingServer.class.getName(), WITH_CLASS, data, work, "class-back")) {
      ApiClient api = back.client();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  details(api, "b1").get("status").asText().equals("complete")
                      && details(api, "b2").get("status").asText().equals("complete"));
      JsonNode b1 = details(api, "b1");
      assertThat(b1.get("output").get("reservation").asText())
          .as("reserve-1 replayed from its checkpoint, not run again")
          .isEqualTo(reservation);
      assertThat(b1.has("unavailable_class")).isFalse();
    }
  }

  private static JsonNode details(ApiClient api, String id) {
    ApiResponse response = api.get(WF + "/instances/" + id);
    assertThat(response.status()).as("GET %s: %s", id, response.body()).isEqualTo(200);
    return response.result();
  }

  private static List<JsonNode> steps(ApiClient api, String id) {
    List<JsonNode> steps = new java.util.ArrayList<>();
    details(api, id).get("steps").forEach(steps::add);
    return steps;
  }

  private static long warnings(StepflowProcess server) throws IOException {
    return Files.readAllLines(server.stderrFile()).stream()
        .filter(line -> line.contains("WARN") && line.contains("workflow class 'Booking'"))
        .count();
  }
}
