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
    api.put(STRICT, "{\"class_name\":\"Scripted\",\"script_name\":\"demo\"}");
    api.post(STRICT + "/instances", "{\"instance_id\":\"kept\"}");
  }

  /** A workflow of its own, so that "nothing changed" can be checked by counting its instances. */
  private static final String STRICT = "/client/v4/accounts/acc1/workflows/strict";

  static Stream<Arguments> valuesOfTheWrongKind() {
    String create = STRICT + "/instances";
    String batch = STRICT + "/instances/batch";
    String terminate = STRICT + "/instances/batch/terminate";
    String delete = STRICT + "/instances/batch/delete";
    return Stream.of(
        Arguments.of(
            "id true",
            create,
            "{\"instance_id\":true}",
            "'instance_id' must be a string (got true)"),
        Arguments.of(
            "id number", create, "{\"instance_id\":12}", "'instance_id' must be a string (got 12)"),
        Arguments.of(
            "id decimal",
            create,
            "{\"instance_id\":1.5}",
            "'instance_id' must be a string (got 1.5)"),
        Arguments.of(
            "id object",
            create,
            "{\"instance_id\":{}}",
            "'instance_id' must be a string (got an object)"),
        Arguments.of(
            "id array",
            create,
            "{\"instance_id\":[\"a\"]}",
            "'instance_id' must be a string (got an array)"),
        Arguments.of(
            "id of 80 digits",
            create,
            "{\"instance_id\":" + "9".repeat(80) + "}",
            "'instance_id' must be a string (got " + "9".repeat(60) + "... of 80 characters)"),
        Arguments.of("batch of null", batch, "[null]", "'[0]' must be an object (got null)"),
        Arguments.of(
            "batch with a number",
            batch,
            "[{\"instance_id\":\"n1\"},1]",
            "'[1]' must be an object (got a number)"),
        Arguments.of("batch of true", batch, "[true]", "'[0]' must be an object (got true)"),
        Arguments.of(
            "batch of an id", batch, "[\"kept\"]", "'[0]' must be an object (got a string)"),
        Arguments.of(
            "batch of an array", batch, "[{},[]]", "'[1]' must be an object (got an array)"),
        Arguments.of(
            "batch with a number id",
            batch,
            "[{\"instance_id\":\"n2\"},{\"instance_id\":7}]",
            "'[1].instance_id' must be a string (got 7)"),
        Arguments.of(
            "batch with a true id",
            batch,
            "[{\"instance_id\":true}]",
            "'[0].instance_id' must be a string (got true)"),
        Arguments.of("terminate null", terminate, "[null]", "'[0]' must be a string (got null)"),
        Arguments.of(
            "terminate a number", terminate, "[\"kept\",1]", "'[1]' must be a string (got 1)"),
        Arguments.of("terminate true", terminate, "[true]", "'[0]' must be a string (got true)"),
        Arguments.of(
            "terminate an object", terminate, "[{}]", "'[0]' must be a string (got an object)"),
        Arguments.of(
            "delete null",
            delete,
            "{\"instances\":[null]}",
            "'instances[0]' must be a string (got null)"),
        Arguments.of(
            "delete a number",
            delete,
            "{\"instances\":[\"kept\",1]}",
            "'instances[1]' must be a string (got 1)"),
        Arguments.of(
            "delete false",
            delete,
            "{\"instances\":[false]}",
            "'instances[0]' must be a string (got false)"),
        Arguments.of(
            "delete an object",
            delete,
            "{\"instances\":[\"kept\",{}]}",
            "'instances[1]' must be a string (got an object)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valuesOfTheWrongKind")
  void aValueOfTheWrongKindIsA400NamingItThatChangesNothing(
      String what, String path, String body, String message) {
    ApiResponse response = api.post(path, body);
    assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(400);
    assertThat(response.errorCode()).isEqualTo(10002);
    assertThat(response.body().get("messages").get(0).asText()).isEqualTo(message + ".");
    ApiResponse list = api.get(STRICT + "/instances");
    assertThat(list.body().get("result_info").get("total_count").asInt()).isEqualTo(1);
    assertThat(list.result().get(0).get("status").asText()).isEqualTo("queued");
  }

  static Stream<Arguments> badQueries() {
    String kept = STRICT + "/instances/kept";
    return Stream.of(
        Arguments.of(
            kept + "?simple=maybe",
            "Invalid value for parameter 'simple': must be true or false (got 'maybe')."),
        Arguments.of(
            kept + "?simple=",
            "Invalid value for parameter 'simple': must be true or false (got '')."),
        Arguments.of(
            kept + "?simple=TRUE",
            "Invalid value for parameter 'simple': must be true or false (got 'TRUE')."),
        Arguments.of(
            kept + "?simple=1",
            "Invalid value for parameter 'simple': must be true or false (got '1')."),
        Arguments.of(
            kept + "?simple=true&simple=false",
            "Query parameter 'simple' is given 2 times ('true', 'false'); give it once."),
        Arguments.of(
            STRICT + "/instances?per_page=2&per_page=3",
            "Query parameter 'per_page' is given 2 times ('2', '3'); give it once."),
        Arguments.of(
            STRICT + "/instances?status=queued&per_page=5&status=queued",
            "Query parameter 'status' is given 2 times ('queued', 'queued'); give it once."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badQueries")
  void aBadQueryValueIsA400NamingTheParameter(String path, String message) {
    ApiResponse response = api.get(path);
    assertThat(response.status()).as(response.body().toString()).isEqualTo(400);
    assertThat(response.errorCode()).isEqualTo(10002);
    assertThat(response.body().get("messages").get(0).asText()).isEqualTo(message);
  }

  @Test
  void simpleTakesTrueAndFalse() {
    assertThat(api.get(STRICT + "/instances/kept?simple=true").result().get("step_count").asInt())
        .isZero();
    assertThat(api.get(STRICT + "/instances/kept?simple=false").status()).isEqualTo(200);
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
