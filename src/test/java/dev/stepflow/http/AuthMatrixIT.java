package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stepflow.auth.Permission;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every operation of openapi/workflows.yaml against five callers: no token, an unknown token, a
 * read token of the account, an edit token of the account, and an edit token of another account.
 * Each cell must answer exactly 401, 403 or success; a refused request must leave the account as it
 * was, and no answer to another account's token may carry this account's data.
 */
class AuthMatrixIT {
  @RegisterExtension static final TestServer server = new TestServer();

  private static final String A = "acct-a";
  private static final String B = "acct-b";
  private static final String ACCOUNT_A = "/client/v4/accounts/" + A;

  /** Steps one instance through a step, then waits for an event that never comes. */
  private static final String WAITING_PARAMS =
      "{\"steps\":[{\"do\":\"s1\"},{\"waitForEvent\":\"go\",\"type\":\"go\"}]}";

  private static final ObjectMapper JSON = new ObjectMapper();

  enum Who {
    NO_TOKEN,
    UNKNOWN_TOKEN,
    READ_OF_ACCOUNT,
    OTHER_ACCOUNT_EDIT,
    EDIT_OF_ACCOUNT
  }

  enum Expect {
    UNAUTHENTICATED,
    FORBIDDEN,
    SUCCESS
  }

  /** A request against a fresh workflow {@code w} of account A with instance i1 waiting. */
  record Call(String method, String path, String body) {}

  /** What one operation sends, given the fixture; whether it only reads; whether it is scoped. */
  record Operation(Function<Fixture, Call> call, boolean accountScoped) {}

  record Fixture(String workflowPath, String versionId) {}

  private static ApiClient dev;
  private static final Map<Who, ApiClient> callers = new LinkedHashMap<>();

  @BeforeAll
  static void tokens() {
    dev = server.client();
    callers.put(Who.NO_TOKEN, dev.withToken(null));
    callers.put(Who.UNKNOWN_TOKEN, dev.withToken("sfk_ThisTokenWasNeverIssuedByTheServer0000000"));
    callers.put(Who.READ_OF_ACCOUNT, dev.withToken(server.addToken("read-a", Permission.READ, A)));
    callers.put(
        Who.OTHER_ACCOUNT_EDIT, dev.withToken(server.addToken("edit-b", Permission.EDIT, B)));
    callers.put(Who.EDIT_OF_ACCOUNT, dev.withToken(server.addToken("edit-a", Permission.EDIT, A)));
    // account B has a workflow of its own, so "nothing of A" is not trivially true
    assertThat(
            dev.put(
                    "/client/v4/accounts/" + B + "/workflows/b-only",
                    "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}")
                .status())
        .isEqualTo(200);
  }

  /** Every (method, path) of the contract, with what the matrix sends for it. */
  private static Map<String, Operation> operations() {
    Map<String, Operation> ops = new LinkedHashMap<>();
    ops.put("GET /accounts", global("/client/v4/accounts"));
    ops.put("GET /memberships", global("/client/v4/memberships"));
    ops.put("GET /user/tokens/verify", global("/client/v4/user/tokens/verify"));
    ops.put("GET /accounts/{account_id}/workflows", scoped(f -> get(ACCOUNT_A + "/workflows")));
    String wf = "/accounts/{account_id}/workflows/{workflow_name}";
    ops.put("GET " + wf, scoped(f -> get(f.workflowPath())));
    ops.put(
        "PUT " + wf,
        scoped(
            f ->
                new Call(
                    "PUT",
                    f.workflowPath(),
                    "{\"class_name\":\"Scripted\",\"script_name\":\"changed\"}")));
    ops.put("DELETE " + wf, scoped(f -> new Call("DELETE", f.workflowPath(), null)));
    ops.put("GET " + wf + "/versions", scoped(f -> get(f.workflowPath() + "/versions")));
    ops.put(
        "GET " + wf + "/versions/{version_id}",
        scoped(f -> get(f.workflowPath() + "/versions/" + f.versionId())));
    ops.put(
        "GET " + wf + "/versions/{version_id}/graph",
        scoped(f -> get(f.workflowPath() + "/versions/" + f.versionId() + "/graph")));
    ops.put("GET " + wf + "/instances", scoped(f -> get(f.workflowPath() + "/instances")));
    ops.put(
        "POST " + wf + "/instances",
        scoped(f -> post(f.workflowPath() + "/instances", "{\"instance_id\":\"new1\"}")));
    ops.put(
        "POST " + wf + "/instances/batch",
        scoped(
            f ->
                post(
                    f.workflowPath() + "/instances/batch",
                    "[{\"instance_id\":\"n1\"},{\"instance_id\":\"n2\"}]")));
    ops.put(
        "POST " + wf + "/instances/batch/terminate",
        scoped(f -> post(f.workflowPath() + "/instances/batch/terminate", "[\"i1\"]")));
    ops.put(
        "POST " + wf + "/instances/batch/delete",
        scoped(
            f -> post(f.workflowPath() + "/instances/batch/delete", "{\"instances\":[\"i1\"]}")));
    ops.put(
        "GET " + wf + "/instances/terminate",
        scoped(f -> get(f.workflowPath() + "/instances/terminate")));
    ops.put(
        "PUT " + wf + "/instances/terminate",
        scoped(f -> new Call("PUT", f.workflowPath() + "/instances/terminate", null)));
    ops.put(
        "POST " + wf + "/bulk",
        scoped(f -> post(f.workflowPath() + "/bulk", "{\"action\":\"pause\",\"dry_run\":true}")));
    ops.put("GET " + wf + "/bulk", scoped(f -> get(f.workflowPath() + "/bulk")));
    String job = wf + "/bulk/{job_id}";
    ops.put("GET " + job, scoped(f -> get(f.workflowPath() + "/bulk/" + dryRunJob(f))));
    ops.put(
        "DELETE " + job,
        scoped(f -> new Call("DELETE", f.workflowPath() + "/bulk/" + dryRunJob(f), null)));
    ops.put(
        "GET " + job + "/items",
        scoped(f -> get(f.workflowPath() + "/bulk/" + dryRunJob(f) + "/items")));
    String instance = wf + "/instances/{instance_id}";
    ops.put("GET " + instance, scoped(f -> get(f.workflowPath() + "/instances/i1")));
    ops.put(
        "DELETE " + instance,
        scoped(f -> new Call("DELETE", f.workflowPath() + "/instances/i1", null)));
    ops.put(
        "PATCH " + instance + "/status",
        scoped(
            f ->
                new Call(
                    "PATCH", f.workflowPath() + "/instances/i1/status", "{\"status\":\"pause\"}")));
    ops.put(
        "POST " + instance + "/events/{event_type}",
        scoped(f -> post(f.workflowPath() + "/instances/i1/events/go", "{\"ok\":true}")));
    ops.put(
        "GET " + instance + "/step",
        scoped(f -> get(f.workflowPath() + "/instances/i1/step?name=s1-1&type=step")));
    ops.put(
        "GET " + instance + "/history",
        scoped(f -> get(f.workflowPath() + "/instances/i1/history")));
    ops.put("GET /accounts/{account_id}/audit", scoped(f -> get(ACCOUNT_A + "/audit")));
    return ops;
  }

  @Test
  void theMatrixCoversEveryOperationOfTheContract() throws IOException {
    JsonNode spec =
        new ObjectMapper(new YAMLFactory()).readTree(Path.of("openapi/workflows.yaml").toFile());
    Set<String> inSpec = new TreeSet<>();
    Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (String method : List.of("get", "put", "post", "patch", "delete")) {
        if (path.getValue().has(method)) {
          inSpec.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    assertThat(new TreeSet<>(operations().keySet())).isEqualTo(inSpec);
  }

  @Test
  void everyOperationAnswersEachCallerAsSpecified() {
    int n = 0;
    List<String> cells = new ArrayList<>();
    for (Map.Entry<String, Operation> op : operations().entrySet()) {
      Fixture fixture = fixture("m" + n++);
      Call call = op.getValue().call().apply(fixture);
      for (Who who : Who.values()) {
        Expect expected = expectation(op.getKey(), op.getValue(), who);
        JsonNode before = snapshot(fixture);
        ApiResponse answer =
            callers.get(who).send(call.method(), call.path(), call.body(), contentType(call));
        String cell = op.getKey() + " as " + who + " -> " + answer.status() + " " + answer.body();
        switch (expected) {
          case UNAUTHENTICATED -> {
            assertThat(answer.status()).as(cell).isEqualTo(401);
            assertThat(answer.errorCode()).as(cell).isEqualTo(10000);
            assertThat(answer.header("WWW-Authenticate")).as(cell).startsWith("Bearer");
          }
          case FORBIDDEN -> {
            assertThat(answer.status()).as(cell).isEqualTo(403);
            assertThat(answer.errorCode()).as(cell).isEqualTo(10003);
          }
          case SUCCESS -> assertThat(answer.status()).as(cell).isBetween(200, 299);
        }
        if (expected != Expect.SUCCESS) {
          assertThat(answer.result().isNull()).as("a refusal carries no data: " + cell).isTrue();
        }
        if (expected != Expect.SUCCESS || !Permission.needsEdit(call.method())) {
          assertThat(snapshot(fixture)).as("account A unchanged by " + cell).isEqualTo(before);
        }
        if (who == Who.OTHER_ACCOUNT_EDIT && expected == Expect.SUCCESS) {
          assertThat(answer.body().toString())
              .as("nothing of account A in " + cell)
              .doesNotContain(A);
        }
        cells.add(cell);
      }
    }
    assertThat(cells).hasSize(operations().size() * Who.values().length);
  }

  @Test
  void accountListsShowOnlyTheTokensAccounts() {
    assertThat(ids(callers.get(Who.OTHER_ACCOUNT_EDIT).get("/client/v4/accounts")))
        .containsExactly(B);
    assertThat(ids(callers.get(Who.READ_OF_ACCOUNT).get("/client/v4/accounts"))).containsExactly(A);
    assertThat(ids(callers.get(Who.OTHER_ACCOUNT_EDIT).get("/client/v4/memberships")))
        .containsExactly(B);
    assertThat(ids(dev.get("/client/v4/accounts"))).contains(A, B);
  }

  @Test
  void theOtherAccountsTokenWorksInItsOwnAccount() {
    ApiClient b = callers.get(Who.OTHER_ACCOUNT_EDIT);
    String wf = "/client/v4/accounts/" + B + "/workflows/own";
    assertThat(b.put(wf, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
    assertThat(b.post(wf + "/instances", "{\"instance_id\":\"x\"}").status()).isEqualTo(200);
    assertThat(ids(b.get("/client/v4/accounts/" + B + "/workflows")))
        .containsExactlyInAnyOrder("b-only", "own");
  }

  private static Expect expectation(String key, Operation op, Who who) {
    return switch (who) {
      case NO_TOKEN, UNKNOWN_TOKEN -> Expect.UNAUTHENTICATED;
      case OTHER_ACCOUNT_EDIT -> op.accountScoped() ? Expect.FORBIDDEN : Expect.SUCCESS;
      case READ_OF_ACCOUNT ->
          Permission.needsEdit(key.substring(0, key.indexOf(' ')))
              ? Expect.FORBIDDEN
              : Expect.SUCCESS;
      case EDIT_OF_ACCOUNT -> Expect.SUCCESS;
    };
  }

  /** A workflow of account A whose instance i1 ran step s1 and now waits for an event. */
  private static Fixture fixture(String name) {
    String path = ACCOUNT_A + "/workflows/" + name;
    ApiResponse put = dev.put(path, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
    assertThat(put.status()).isEqualTo(200);
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("instance_id", "i1");
    body.set("params", parse(WAITING_PARAMS));
    assertThat(dev.post(path + "/instances", body.toString()).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                dev.get(path + "/instances/i1").result().get("status").asText().equals("waiting"));
    return new Fixture(path, put.result().get("version_id").asText());
  }

  /**
   * A bulk job of the fixture's workflow, made by the dev token: a dry run, so it changes nothing.
   */
  private static String dryRunJob(Fixture fixture) {
    ApiResponse job =
        dev.post(fixture.workflowPath() + "/bulk", "{\"action\":\"pause\",\"dry_run\":true}");
    assertThat(job.status()).as("%s", job.body()).isEqualTo(200);
    return job.result().get("id").asText();
  }

  /** What account A holds, as the dev token sees it: workflows, and the fixture's instances. */
  private static JsonNode snapshot(Fixture fixture) {
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    state.set("workflows", dev.get(ACCOUNT_A + "/workflows?per_page=100").result());
    ApiResponse instances = dev.get(fixture.workflowPath() + "/instances?per_page=100");
    state.set("instances", instances.status() == 200 ? instances.result() : null);
    ApiResponse i1 = dev.get(fixture.workflowPath() + "/instances/i1");
    state.set("i1", i1.status() == 200 ? i1.result() : null);
    state.set("terminate", dev.get(fixture.workflowPath() + "/instances/terminate").body());
    return state;
  }

  private static List<String> ids(ApiResponse list) {
    assertThat(list.status()).isEqualTo(200);
    return StreamSupport.stream(list.result().spliterator(), false)
        .map(AuthMatrixIT::idOf)
        .toList();
  }

  /** A membership names its account; an account has an id and a type; a workflow a name. */
  private static String idOf(JsonNode item) {
    if (item.has("account")) {
      return item.get("account").get("id").asText();
    }
    return (item.has("type") ? item.get("id") : item.get("name")).asText();
  }

  private static Operation global(String path) {
    return new Operation(f -> get(path), false);
  }

  private static Operation scoped(Function<Fixture, Call> call) {
    return new Operation(call, true);
  }

  private static Call get(String path) {
    return new Call("GET", path, null);
  }

  private static Call post(String path, String body) {
    return new Call("POST", path, body);
  }

  private static String contentType(Call call) {
    return call.body() == null ? null : "application/json";
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
