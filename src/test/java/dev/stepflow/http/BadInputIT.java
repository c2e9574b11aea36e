package dev.stepflow.http;

import static dev.stepflow.http.BadRequestCases.JSON;
import static dev.stepflow.http.BadRequestCases.STATUS;
import static dev.stepflow.http.BadRequestCases.WF;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and invalid requests: each gets the contract's envelope with the right status and code,
 * never a 500 or a text body, and changes nothing.
 */
class BadInputIT {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue();
  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    api = server.client();
    api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"demo\"}");
    api.post(WF + "/instances", "{\"instance_id\":\"victim\"}");
    api.post(WF + "/instances", "{\"instance_id\":\"finished\"}");
    api.patch(WF + "/instances/finished/status", "{\"status\":\"terminate\"}");
  }

  static Stream<Arguments> badStatusBodies() {
    return Stream.of(
        Arguments.of("truncated JSON", "{\"status\":\"pause\"", "not valid JSON"),
        Arguments.of("not JSON", "pause please", "not valid JSON"),
        Arguments.of("trailing garbage", "{\"status\":\"pause\"} xyz", "JSON"),
        Arguments.of("empty object", "{}", "needs a 'status'"),
        Arguments.of("null", "null", "status"),
        Arguments.of("array", "[]", "must be"),
        Arguments.of("unknown status", "{\"status\":\"explode\"}", "'explode'"),
        Arguments.of("upper case status", "{\"status\":\"PAUSE\"}", "'PAUSE'"),
        Arguments.of("number status", "{\"status\":1}", "status"),
        Arguments.of("null status", "{\"status\":null}", "status"),
        Arguments.of("rollback on pause", "{\"status\":\"pause\",\"rollback\":true}", "rollback"),
        Arguments.of("from on resume", "{\"status\":\"resume\",\"from\":{\"name\":\"a\"}}", "from"),
        Arguments.of(
            "from on terminate", "{\"status\":\"terminate\",\"from\":{\"name\":\"a\"}}", "from"),
        Arguments.of(
            "rollback on restart", "{\"status\":\"restart\",\"rollback\":true}", "rollback"),
        Arguments.of(
            "rollback as string", "{\"status\":\"terminate\",\"rollback\":\"yes\"}", "rollback"),
        Arguments.of("rollback as number", "{\"status\":\"terminate\",\"rollback\":1}", "rollback"),
        Arguments.of("rollback null", "{\"status\":\"terminate\",\"rollback\":null}", "rollback"),
        Arguments.of("from null", "{\"status\":\"restart\",\"from\":null}", "from"),
        Arguments.of(
            "from without name", "{\"status\":\"restart\",\"from\":{\"count\":2}}", "name"),
        Arguments.of(
            "from with empty name", "{\"status\":\"restart\",\"from\":{\"name\":\"\"}}", "name"),
        Arguments.of(
            "from with unknown type",
            "{\"status\":\"restart\",\"from\":{\"name\":\"a\",\"type\":\"jump\"}}",
            "type"),
        Arguments.of(
            "from with count 0",
            "{\"status\":\"restart\",\"from\":{\"name\":\"a\",\"count\":0}}",
            "count"),
        Arguments.of(
            "from with fractional count",
            "{\"status\":\"restart\",\"from\":{\"name\":\"a\",\"count\":1.5}}",
            "count"),
        Arguments.of(
            "unknown member in from",
            "{\"status\":\"restart\",\"from\":{\"name\":\"a\",\"step\":2}}",
            "step"),
        Arguments.of("duplicate key", "{\"status\":\"pause\",\"status\":\"resume\"}", "status"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badStatusBodies")
  void badStatusBodyIsA400ThatChangesNothing(String what, String body, String mentioned) {
    ApiResponse response = api.patch(STATUS, body);
    assertThat(response.status()).as(what).isEqualTo(400);
    assertThat(response.errorCode()).isEqualTo(10002);
    assertThat(response.body().get("messages").get(0).asText()).contains(mentioned);
    assertThat(response.body().get("messages").toString())
        .doesNotContain("com.fasterxml", "java.lang", "dev.stepflow", "Exception");
    assertThat(api.get(WF + "/instances/victim").result().get("status").asText())
        .isEqualTo("queued");
  }

  @Test
  void emptyStatusBodyIsA400() {
    ApiResponse response = api.send("PATCH", STATUS, "", JSON);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.errorCode()).isEqualTo(10002);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.stepflow.http.BadRequestCases#badRequests")
  void badRequestGetsTheEnvelopeWithItsStatusAndCode(
      String what, String method, String path, String body, String type, int status, int code) {
    ApiResponse response = api.send(method, path, body, type);
    assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(status);
    assertThat(response.errorCode()).as(what).isEqualTo(code);
    assertThat(response.body().get("messages").get(0).asText()).isNotBlank();
    if (status == 409) {
      assertThat(response.header("x-should-retry")).isEqualTo("false");
    }
  }

  @Test
  void eventPayloadOverOneMebibyteIsTooLarge() {
    String big = "{\"blob\":\"" + "x".repeat(1024 * 1024) + "\"}";
    ApiResponse response = api.post(WF + "/instances/victim/events/big", big);
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.errorCode()).isEqualTo(10413);
  }

  @Test
  void aBodyOverTheLimitIsRefusedBeforeItIsReadAndTheServerKeepsServing() {
    String huge = "[\"" + "x".repeat(3 * 1024 * 1024) + "\"]";
    ApiResponse declared = api.post(WF + "/instances/victim/events/huge", huge);
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.errorCode()).isEqualTo(10413);
    ApiResponse chunked =
        api.sendChunked(
            "POST",
            WF + "/instances/batch",
            huge.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(chunked.errorCode()).isEqualTo(10413);
    assertThat(api.get(WF + "/instances/victim").status()).isEqualTo(200);
  }

  @Test
  void paramsOverOneMebibyteAreTooLargeAndCreateNothing() {
    String big = "{\"instance_id\":\"huge\",\"params\":\"" + "x".repeat(1024 * 1024) + "\"}";
    ApiResponse response = api.post(WF + "/instances", big);
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.errorCode()).isEqualTo(10413);
    assertThat(api.get(WF + "/instances/huge").status()).isEqualTo(404);
  }

  @Test
  void optionsAnswersTheAllowedMethodsInTheEnvelope() {
    ApiResponse response = api.send("OPTIONS", WF + "/instances", null, null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.result().get("allow").toString()).contains("GET", "POST");
  }

  @Test
  void methodNotAllowedNamesTheAllowedMethods() {
    ApiResponse response = api.send("DELETE", STATUS, null, null);
    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("Allow")).contains("PATCH");
  }
}
