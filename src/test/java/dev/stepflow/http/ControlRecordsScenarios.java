package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.auth.Permission;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * History, audit, reasons and request ids (issue 17 items 1 and 2) over real HTTP, on a server that
 * holds its instances queued so that only the tests' calls move them. The concrete classes run it
 * on SQLite and on PostgreSQL.
 */
abstract class ControlRecordsScenarios {
  static final String ACCOUNT = "/client/v4/accounts/records";

  /** The server under test, registered by the concrete class. */
  abstract TestServer server();

  ApiClient admin;
  ApiClient alice;
  ApiClient reader;
  String wf;

  private static final Map<TestServer, String[]> TOKENS = new java.util.HashMap<>();

  @BeforeEach
  void tokensAndWorkflow() {
    String[] secrets =
        TOKENS.computeIfAbsent(
            server(),
            s ->
                new String[] {
                  s.addToken("ops-alice", Permission.EDIT),
                  s.addToken("dash-reader", Permission.READ)
                });
    admin = server().client();
    alice = admin.withToken(secrets[0]);
    reader = admin.withToken(secrets[1]);
    wf = ACCOUNT + "/workflows/w" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(admin.put(wf, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
  }

  static Map<String, String> headers(String... pairs) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.put(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  ApiResponse create(ApiClient as, String id, Map<String, String> headers) {
    ApiResponse created =
        as.send(
            "POST",
            wf + "/instances",
            "{\"instance_id\":\"" + id + "\"}",
            "application/json",
            headers);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    return created;
  }

  ApiResponse patch(ApiClient as, String id, String action, Map<String, String> headers) {
    return as.send(
        "PATCH",
        wf + "/instances/" + id + "/status",
        "{\"status\":\"" + action + "\"}",
        "application/json",
        headers);
  }

  JsonNode history(ApiClient as, String id) {
    ApiResponse answer = as.get(wf + "/instances/" + id + "/history");
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    return answer.result();
  }

  /** "from>to trigger actor-type:actor-name reason request-id" per entry. */
  static List<String> lines(JsonNode history) {
    List<String> lines = new ArrayList<>();
    for (JsonNode e : history) {
      lines.add(
          e.get("from").asText("-")
              + ">"
              + e.get("to").asText()
              + " "
              + e.get("trigger").asText()
              + " "
              + e.get("actor").get("type").asText()
              + ":"
              + e.get("actor").get("name").asText("-")
              + " "
              + e.get("reason").asText("-")
              + " "
              + e.get("request_id").asText("-"));
    }
    return lines;
  }

  @Test
  void historyAfterPauseResumeTerminateNamesEachActionActorReasonAndRequestId() {
    create(alice, "h1", headers("X-Request-Id", "req-create-1"));
    assertThat(
            patch(
                    alice,
                    "h1",
                    "pause",
                    headers("X-Stepflow-Reason", "maintenance window", "X-Request-Id", "req-pause"))
                .status())
        .isEqualTo(200);
    assertThat(patch(admin, "h1", "resume", headers("X-Request-Id", "req-resume")).status())
        .isEqualTo(200);
    assertThat(
            patch(
                    alice,
                    "h1",
                    "terminate",
                    headers(
                        "X-Stepflow-Reason",
                        "customer cancelled order 7",
                        "X-Request-Id",
                        "req-stop"))
                .status())
        .isEqualTo(200);

    JsonNode history = history(reader, "h1");

    assertThat(lines(history))
        .containsExactly(
            "->queued create token:ops-alice - req-create-1",
            "queued>paused pause token:ops-alice maintenance window req-pause",
            "paused>queued resume token:dev - req-resume",
            "queued>terminated terminate token:ops-alice customer cancelled order 7 req-stop");
    assertThat(history.get(1).get("actor").get("id").asText()).isNotEmpty();
    assertThat(history.get(0).get("at").asText()).endsWith("Z");
  }

  @Test
  void historyPagesByCursorOldestFirst() {
    create(alice, "h2", headers());
    for (int i = 0; i < 3; i++) {
      patch(alice, "h2", "pause", headers());
      patch(alice, "h2", "resume", headers());
    }

    ApiResponse first = alice.get(wf + "/instances/h2/history?per_page=4");
    String cursor = first.body().get("result_info").get("cursor").asText();
    ApiResponse second = alice.get(wf + "/instances/h2/history?per_page=4&cursor=" + cursor);

    assertThat(first.result()).hasSize(4);
    assertThat(first.body().get("result_info").get("total_count").asInt()).isEqualTo(7);
    assertThat(second.result()).hasSize(3);
    assertThat(second.body().get("result_info").has("cursor")).isFalse();
    assertThat(first.result().get(0).get("trigger").asText()).isEqualTo("create");
    assertThat(second.result().get(2).get("to").asText()).isEqualTo("queued");
  }

  @Test
  void historyOfAnUnknownInstanceIsNotFound() {
    ApiResponse answer = alice.get(wf + "/instances/nobody/history");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.errorCode()).isEqualTo(10400);
  }

  @Test
  void auditEntriesSurviveTheDeleteOfTheInstanceAndNameWhoDeletedIt() {
    create(alice, "gone", headers());
    ApiResponse deleted =
        alice.send(
            "DELETE",
            wf + "/instances/gone",
            null,
            null,
            headers("X-Stepflow-Reason", "GDPR request 42", "X-Request-Id", "req-del-1"));
    assertThat(deleted.status()).isEqualTo(200);

    String name = wf.substring(wf.lastIndexOf('/') + 1);
    ApiResponse audit = reader.get(ACCOUNT + "/audit?workflow=" + name);

    assertThat(audit.status()).isEqualTo(200);
    JsonNode newest = audit.result().get(0);
    assertThat(newest.get("action").asText()).isEqualTo("instance.delete");
    assertThat(newest.get("method").asText()).isEqualTo("DELETE");
    assertThat(newest.get("instance_id").asText()).isEqualTo("gone");
    assertThat(newest.get("http_status").asInt()).isEqualTo(200);
    assertThat(newest.get("reason").asText()).isEqualTo("GDPR request 42");
    assertThat(newest.get("request_id").asText()).isEqualTo("req-del-1");
    assertThat(newest.get("actor").get("type").asText()).isEqualTo("token");
    assertThat(newest.get("actor").get("name").asText()).isEqualTo("ops-alice");
    assertThat(audit.result().get(1).get("action").asText()).isEqualTo("instance.create");
    assertThat(alice.get(wf + "/instances/gone/history").status()).isEqualTo(404);
  }

  @Test
  void auditRecordsWorkflowPutAndDeleteAndRefusedCallsWithTheirStatus() {
    String name = "audited" + UUID.randomUUID().toString().substring(0, 6);
    String path = ACCOUNT + "/workflows/" + name;
    alice.send(
        "PUT",
        path,
        "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}",
        "application/json",
        headers("X-Stepflow-Reason", "v2"));
    ApiResponse refused = patch(alice, "x", "pause", headers());
    alice.send("DELETE", path, null, null, headers("X-Stepflow-Reason", "retired"));

    JsonNode entries = reader.get(ACCOUNT + "/audit?workflow=" + name).result();

    assertThat(refused.status()).isEqualTo(404);
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).get("action").asText()).isEqualTo("workflow.delete");
    assertThat(entries.get(0).get("reason").asText()).isEqualTo("retired");
    assertThat(entries.get(1).get("action").asText()).isEqualTo("workflow.put");
    assertThat(entries.get(1).get("reason").asText()).isEqualTo("v2");
    String own = wf.substring(wf.lastIndexOf('/') + 1);
    JsonNode patches =
        reader.get(ACCOUNT + "/audit?action=instance.pause&workflow=" + own).result();
    assertThat(patches).hasSize(1);
    assertThat(patches.get(0).get("http_status").asInt()).isEqualTo(404);
  }

  @Test
  void auditFiltersByActorAndTimeAndPagesNewestFirst() {
    create(alice, "f1", headers());
    String own = wf.substring(wf.lastIndexOf('/') + 1);
    for (int i = 0; i < 3; i++) {
      patch(alice, "f1", "pause", headers());
      patch(alice, "f1", "resume", headers());
    }
    String aliceId = history(alice, "f1").get(0).get("actor").get("id").asText();

    ApiResponse first =
        reader.get(ACCOUNT + "/audit?per_page=4&actor=" + aliceId + "&workflow=" + own);
    String cursor = first.body().get("result_info").get("cursor").asText();
    ApiResponse rest =
        reader.get(
            ACCOUNT
                + "/audit?per_page=4&actor="
                + aliceId
                + "&workflow="
                + own
                + "&cursor="
                + cursor);
    ApiResponse future = reader.get(ACCOUNT + "/audit?since=2999-01-01T00:00:00Z&workflow=" + own);
    ApiResponse devOnly = reader.get(ACCOUNT + "/audit?actor=anonymous&workflow=" + own);

    assertThat(first.result()).hasSize(4);
    assertThat(first.body().get("result_info").get("total_count").asInt()).isEqualTo(7);
    assertThat(first.result().get(0).get("action").asText()).isEqualTo("instance.resume");
    assertThat(rest.result()).hasSize(3);
    assertThat(rest.result().get(2).get("action").asText()).isEqualTo("instance.create");
    assertThat(Long.parseLong(first.result().get(3).get("id").asText()))
        .isGreaterThan(Long.parseLong(rest.result().get(0).get("id").asText()));
    assertThat(future.result()).isEmpty();
    assertThat(devOnly.result()).isEmpty();
  }

  @Test
  void aReadTokenReadsHistoryAndAuditButCannotControl() {
    create(alice, "r1", headers());

    assertThat(reader.get(wf + "/instances/r1/history").status()).isEqualTo(200);
    assertThat(reader.get(ACCOUNT + "/audit").status()).isEqualTo(200);
    ApiResponse refused = patch(reader, "r1", "pause", headers("X-Stepflow-Reason", "try"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo(10003);
    assertThat(lines(history(reader, "r1"))).hasSize(1);
  }

  @Test
  void aReasonOverTheCapIsRefusedAndChangesNothing() {
    create(alice, "long", headers());

    ApiResponse refused =
        patch(alice, "long", "pause", headers("X-Stepflow-Reason", "x".repeat(1001)));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo(10002);
    assertThat(refused.body().get("messages").get(0).asText())
        .contains("1001 characters")
        .contains("1000");
    assertThat(admin.get(wf + "/instances/long").result().get("status").asText())
        .isEqualTo("queued");
    assertThat(
            patch(alice, "long", "pause", headers("X-Stepflow-Reason", "x".repeat(1000))).status())
        .isEqualTo(200);
  }

  @Test
  void aReasonWithAControlCharacterIsRefused() {
    create(alice, "tab", headers());

    ApiResponse refused =
        patch(alice, "tab", "pause", headers("X-Stepflow-Reason", "two\tcolumns"));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo(10002);
    assertThat(refused.body().get("messages").get(0).asText()).contains("control character");
    assertThat(admin.get(wf + "/instances/tab").result().get("status").asText())
        .isEqualTo("queued");
  }

  @Test
  void everyAnswerCarriesARequestIdAndAWellFormedOneOfTheCallerIsKept() {
    ApiResponse generated = alice.get(wf);
    ApiResponse kept =
        alice.send("GET", wf, null, null, headers("X-Request-Id", "trace-abc.123:x"));
    ApiResponse replaced = alice.send("GET", wf, null, null, headers("X-Request-Id", "has space"));
    ApiResponse refused = admin.withToken("wrong").get(wf);
    ApiResponse noRoute = alice.get("/client/v4/nowhere");

    assertThat(generated.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    assertThat(kept.header("X-Request-Id")).isEqualTo("trace-abc.123:x");
    assertThat(replaced.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.header("X-Request-Id")).isNotNull();
    assertThat(noRoute.header("X-Request-Id")).isNotNull();
  }
}
