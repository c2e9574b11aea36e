package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.testing.TestPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotency keys are kept in the store: a request answered before the server process was killed
 * with SIGKILL, repeated to the next process on the same data, gets the first answer and is not
 * applied again (issue 17 item 4), on SQLite and on PostgreSQL.
 */
class IdempotencyAfterKillIT {
  private static final List<String> HOLD_QUEUE = List.of("--max-running", "0");
  private static final String WF = "/client/v4/accounts/kill/workflows/orders";

  @TempDir Path work;

  @Test
  void aRestartRepeatedAfterAKillIsAnsweredFromTheStoreOnSqlite() throws Exception {
    repeatAfterKill(HOLD_QUEUE);
  }

  @Test
  void aRestartRepeatedAfterAKillIsAnsweredFromTheStoreOnPostgres() throws Exception {
    List<String> options = new ArrayList<>(HOLD_QUEUE);
    options.addAll(TestPostgres.serveOptions(TestPostgres.shared().createDatabase()));
    repeatAfterKill(options);
  }

  private void repeatAfterKill(List<String> options) throws Exception {
    Path data = work.resolve("data");
    ApiResponse first;
    ApiResponse created;
    try (StepflowProcess server = StepflowProcess.start(data, work, "first", options)) {
      ApiClient api = server.client();
      assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
          .isEqualTo(200);
      created = create(api);
      first = restart(api);
      assertThat(first.status()).isEqualTo(200);
      assertThat(server.kill()).isEqualTo(137);
    }
    try (StepflowProcess again = StepflowProcess.start(data, work, "again", options)) {
      ApiClient api = again.client();

      ApiResponse repeat = restart(api);
      ApiResponse createdAgain = create(api);

      assertThat(repeat.status()).isEqualTo(200);
      assertThat(repeat.body()).isEqualTo(first.body());
      assertThat(repeat.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(createdAgain.body()).isEqualTo(created.body());
      List<String> triggers = new ArrayList<>();
      api.get(WF + "/instances/o1/history")
          .result()
          .forEach(e -> triggers.add(e.get("trigger").asText()));
      assertThat(triggers).containsExactly("create", "restart");
      assertThat(api.get(WF + "/instances").result()).hasSize(1);
    }
  }

  private static ApiResponse create(ApiClient api) {
    return api.send(
        "POST",
        WF + "/instances",
        "{\"instance_id\":\"o1\"}",
        "application/json",
        Map.of("Idempotency-Key", "create-o1"));
  }

  private static ApiResponse restart(ApiClient api) {
    return api.send(
        "PATCH",
        WF + "/instances/o1/status",
        "{\"status\":\"restart\"}",
        "application/json",
        Map.of("Idempotency-Key", "restart-o1-7f3", "X-Stepflow-Reason", "re-run after fix"));
  }
}
