package dev.stepflow.http;

import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Bad requests other than bad status bodies, each with the HTTP status and error code its answer
 * must carry: unknown routes and methods, path and query values out of range, bodies the contract
 * refuses, and actions on instances or workflows that do not exist or have finished. They address
 * the workflow {@link #WF}, whose instance {@code victim} is queued and {@code finished} is
 * terminated; {@link BadInputIT} sets that up.
 */
final class BadRequestCases {
  static final String WF = "/client/v4/accounts/acc1/workflows/shop";
  static final String STATUS = WF + "/instances/victim/status";
  static final String JSON = "application/json";

  private BadRequestCases() {}

  /** Arguments: what, method, path, body, content type, status, error code. */
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
            "workflow with a cron of 4 fields",
            "PUT",
            WF,
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"schedules\":[{\"cron\":\"* * * *\"}]}",
            JSON,
            400,
            10002),
        Arguments.of(
            "workflow with a cron minute of 60",
            "PUT",
            WF,
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"schedules\":[{\"cron\":\"60 * * * *\"}]}",
            JSON,
            400,
            10002),
        Arguments.of(
            "workflow with one cron twice",
            "PUT",
            WF,
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"schedules\":[{\"cron\":\"* * * * *\"},{\"cron\":\"* * * * *\"}]}",
            JSON,
            400,
            10002),
        Arguments.of(
            "workflow with an unknown on_failure",
            "PUT",
            WF,
            "{\"class_name\":\"Scripted\",\"script_name\":\"s\",\"on_failure\":\"retry\"}",
            JSON,
            400,
            10002),
        Arguments.of(
            "instance with an unknown on_failure",
            "POST",
            WF + "/instances",
            "{\"on_failure\":\"ignore\"}",
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
}
