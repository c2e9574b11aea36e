package dev.stepflow.http;

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
  private static final String WF = "/client/v4/accounts/acc1/workflows/shop";
  private static final String STATUS = WF + "/instances/victim/status";
  private static final String JSON = "application/json";
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

  static Stream<Arguments> badRequests() {
    String item = WF + "/instances/victim";
    return Stream.of(
        Arguments.of(
            "text/plain body", "PATCH", STATUS, "{\"status\":\"pause\"}", "text/plain", 415, 10002),
        Arguments.of("GET on the status path", "GET", STATUS, null, null, 405, 7001),
        Arguments.of(
            "unknown route", "GET", "/client/v4/accounts/acc1/gadgets", null, null, 404, 7000),
        Arguments.of("outside the base path", "GET", "/v3/whatever", null, null, 404, 7000),
        Arguments.of(
            "workflow name starting with -",
            "GET",
            "/client/v4/accounts/acc1/workflows/-bad",
            null,
            null,
            400,
            10002),
        Arguments.of(
            "workflow name of 65",
            "GET",
            "/client/v4/accounts/acc1/workflows/" + "w".repeat(65),
            null,
            null,
            400,
            10002),
        Arguments.of(
            "account id of 33",
            "GET",
            "/client/v4/accounts/" + "a".repeat(33) + "/workflows",
            null,
            null,
            400,
            10002),
        Arguments.of(
            "instance id with a dot", "GET", WF + "/instances/a.b", null, null, 400, 10002),
        Arguments.of("per_page 0", "GET", WF + "/instances?per_page=0", null, null, 400, 10002),
        Arguments.of("per_page 101", "GET", WF + "/instances?per_page=101", null, null, 400, 10002),
        Arguments.of(
            "per_page not a number", "GET", WF + "/instances?per_page=ten", null, null, 400, 10002),
        Arguments.of(
            "page 0", "GET", "/client/v4/accounts/acc1/workflows?page=0", null, null, 400, 10002),
        Arguments.of(
            "unknown status filter",
            "GET",
            WF + "/instances?status=sleeping",
            null,
            null,
            400,
            10002),
        Arguments.of(
            "bad direction", "GET", WF + "/instances?direction=sideways", null, null, 400, 10002),
        Arguments.of(
            "bad date", "GET", WF + "/instances?date_start=yesterday", null, null, 400, 10002),
        Arguments.of(
            "forged cursor",
            "GET",
            WF + "/instances?cursor=bm90LWEtY3Vyc29y",
            null,
            null,
            400,
            10002),
        Arguments.of(
            "cursor and page",
            "GET",
            WF + "/instances?cursor=c2VxOjE&page=2",
            null,
            null,
            400,
            10002),
        Arguments.of("bad order", "GET", item + "?order=up", null, null, 400, 10002),
        Arguments.of("step without name", "GET", item + "/step?type=step", null, null, 400, 10002),
        Arguments.of(
            "step with bad type",
            "GET",
            item + "/step?name=a-1&type=sleep",
            null,
            null,
            400,
            10002),
        Arguments.of(
            "step name without counter",
            "GET",
            item + "/step?name=charge&type=step",
            null,
            null,
            400,
            10002),
        Arguments.of(
            "unknown step", "GET", item + "/step?name=charge-1&type=step", null, null, 404, 10407),
        Arguments.of(
            "version id not a uuid", "GET", WF + "/versions/latest", null, null, 400, 10002),
        Arguments.of(
            "unknown version",
            "GET",
            WF + "/versions/0f8fad5b-d9cb-469f-a165-70867728950e",
            null,
            null,
            404,
            10200),
        Arguments.of(
            "unknown workflow",
            "GET",
            "/client/v4/accounts/acc1/workflows/nope/instances",
            null,
            null,
            404,
            10200),
        Arguments.of(
            "instance of unknown workflow",
            "POST",
            "/client/v4/accounts/acc1/workflows/nope/instances",
            "{}",
            JSON,
            404,
            10200),
        Arguments.of(
            "instance id with a space",
            "POST",
            WF + "/instances",
            "{\"instance_id\":\"a b\"}",
            JSON,
            400,
            10002),
        Arguments.of(
            "instance id of 101",
            "POST",
            WF + "/instances",
            "{\"instance_id\":\"" + "i".repeat(101) + "\"}",
            JSON,
            400,
            10002),
        Arguments.of(
            "reserved instance id",
            "POST",
            WF + "/instances",
            "{\"instance_id\":\"cf_" + "ab".repeat(32) + "\"}",
            JSON,
            400,
            10002),
        Arguments.of(
            "existing instance id",
            "POST",
            WF + "/instances",
            "{\"instance_id\":\"victim\"}",
            JSON,
            409,
            10405),
        Arguments.of(
            "unknown create member",
            "POST",
            WF + "/instances",
            "{\"instance\":\"x\"}",
            JSON,
            400,
            10002),
        Arguments.of(
            "bad location hint",
            "POST",
            WF + "/instances",
            "{\"location_hint\":\"mars\"}",
            JSON,
            400,
            10002),
        Arguments.of(
            "workflow without class", "PUT", WF, "{\"script_name\":\"s\"}", JSON, 400, 10002),
        Arguments.of(
            "workflow with empty class",
            "PUT",
            WF,
            "{\"class_name\":\"\",\"script_name\":\"s\"}",
            JSON,
            400,
            10002),
        Arguments.of(
            "workflow with cron",
            "PUT",
            WF,
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"schedules\":[{\"cron\":\"* * * * *\"}]}",
            JSON,
            400,
            10002),
        Arguments.of(
            "workflow with 0 steps",
            "PUT",
            WF,
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"limits\":{\"steps\":0}}",
            JSON,
            400,
            10002),
        Arguments.of(
            "unregistered workflow class",
            "PUT",
            WF,
            "{\"class_name\":\"Nope\",\"script_name\":\"s\"}",
            JSON,
            400,
            10002),
        Arguments.of("workflow without body", "PUT", WF, null, null, 400, 10002),
        Arguments.of(
            "event to a finished instance",
            "POST",
            WF + "/instances/finished/events/go",
            "{}",
            JSON,
            409,
            10406),
        Arguments.of(
            "event to an unknown instance",
            "POST",
            WF + "/instances/ghost/events/go",
            "{}",
            JSON,
            404,
            10400),
        Arguments.of(
            "event type with a dot",
            "POST",
            WF + "/instances/victim/events/a.b",
            "{}",
            JSON,
            400,
            10002),
        Arguments.of(
            "event nested 200 deep",
            "POST",
            WF + "/instances/victim/events/deep",
            "[".repeat(200) + "]".repeat(200),
            JSON,
            400,
            10002),
        Arguments.of(
            "batch terminate of none",
            "POST",
            WF + "/instances/batch/terminate",
            "[]",
            JSON,
            400,
            10002),
        Arguments.of("empty batch", "POST", WF + "/instances/batch", "[]", JSON, 400, 10002),
        Arguments.of(
            "batch of 101",
            "POST",
            WF + "/instances/batch",
            "[" + "{},".repeat(100) + "{}]",
            JSON,
            400,
            10002),
        Arguments.of(
            "batch delete without ids",
            "POST",
            WF + "/instances/batch/delete",
            "{\"instances\":[]}",
            JSON,
            400,
            10002),
        Arguments.of(
            "terminate-all with bad status",
            "PUT",
            WF + "/instances/terminate?status=complete",
            null,
            null,
            400,
            10002),
        Arguments.of(
            "delete unknown instance", "DELETE", WF + "/instances/ghost", null, null, 404, 10400),
        Arguments.of(
            "delete unknown workflow",
            "DELETE",
            "/client/v4/accounts/acc1/workflows/ghost",
            null,
            null,
            404,
            10200));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
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
