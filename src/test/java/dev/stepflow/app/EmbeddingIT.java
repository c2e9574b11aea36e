package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.workflow.StepConfig;
import dev.stepflow.workflow.StepFailedException;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.builtin.EffectLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application embeds Stepflow, registers its own workflow class and drives it over HTTP. */
class EmbeddingIT {
  @TempDir Path data;

  /** Greets, after a failing first attempt and a short durable sleep; counts real executions. */
  static final class Greeter implements Workflow {
    static final AtomicInteger greetings = new AtomicInteger();

    @Override
    public Object run(dev.stepflow.workflow.WorkflowEvent event, dev.stepflow.workflow.Step step) {
      String name = event.params().get("name").asText();
      JsonNode greeting =
          step.run(
              "greet",
              StepConfig.DEFAULT.withRetries(
                  2, Duration.ofMillis(10), dev.stepflow.workflow.Backoff.CONSTANT),
              ctx -> {
                greetings.incrementAndGet();
                if (ctx.attempt() == 1) {
                  throw new IllegalStateException("first attempt fails");
                }
                return "hello " + name;
              });
      step.sleep("pause", Duration.ofMillis(200));
      try {
        step.run(
            "optional",
            StepConfig.DEFAULT.withRetries(
                0, Duration.ZERO, dev.stepflow.workflow.Backoff.CONSTANT),
            ctx -> {
              throw new IllegalArgumentException("not today");
            });
      } catch (StepFailedException expected) {
        return Map.of("greeting", greeting.asText(), "optional", expected.getMessage());
      }
      return Map.of("greeting", greeting.asText());
    }
  }

  @Test
  void anApplicationRegistersItsOwnWorkflowClass() {
    WorkflowRegistry registry =
        StepflowServer.builtInWorkflows(EffectLog.NONE).register("Greeter", Greeter::new);
    Config config = Config.of("127.0.0.1", 0, data, Durability.PROCESS_CRASH);
    try (StepflowServer server = StepflowServer.start(config, registry)) {
      ApiClient api = new ApiClient("http://127.0.0.1:" + server.port(), ApiClient.devToken(data));
      String wf = "/client/v4/accounts/app/workflows/greetings";
      assertThat(api.put(wf, "{\"class_name\":\"Greeter\",\"script_name\":\"app\"}").status())
          .isEqualTo(200);
      api.post(wf + "/instances", "{\"instance_id\":\"g1\",\"params\":{\"name\":\"Ada\"}}");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  api.get(wf + "/instances/g1").result().get("status").asText().equals("complete"));
      JsonNode output = api.get(wf + "/instances/g1").result().get("output");
      assertThat(output.get("greeting").asText()).isEqualTo("hello Ada");
      assertThat(output.get("optional").asText()).isEqualTo("not today");
      assertThat(Greeter.greetings.get()).isEqualTo(2);
    }
  }

  @Test
  void aSecondServerOnTheFolderIsRefusedUntilTheFirstIsClosed() {
    Config config = Config.of("127.0.0.1", 0, data, Durability.PROCESS_CRASH);
    try (StepflowServer first = StepflowServer.start(config)) {
      assertThatThrownBy(() -> StepflowServer.start(config))
          .isInstanceOf(StartFailure.class)
          .hasMessage(
              "Data folder "
                  + data
                  + " is in use by another Stepflow server (pid "
                  + ProcessHandle.current().pid()
                  + "); stop it or choose another --data.");
      assertThat(health(first)).isEqualTo(200);
    }
    try (StepflowServer next = StepflowServer.start(config)) {
      assertThat(health(next)).isEqualTo(200);
    }
  }

  @Test
  void aStartThatFailsReleasesThePortAndTheFolder() throws IOException {
    int port = freePort();
    Files.writeString(data.resolve("stepflow.db"), "not a database");
    Config config = Config.of("127.0.0.1", port, data, Durability.PROCESS_CRASH);
    assertThatThrownBy(() -> StepflowServer.start(config))
        .isInstanceOf(StartFailure.class)
        .hasMessageStartingWith("Cannot open the store (data in " + data + "):");

    Files.delete(data.resolve("stepflow.db"));
    try (StepflowServer next = StepflowServer.start(config)) {
      assertThat(next.port()).isEqualTo(port);
      assertThat(health(next)).isEqualTo(200);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static int health(StepflowServer server) {
    return new ApiClient("http://127.0.0.1:" + server.port(), null).get("/healthz").status();
  }
}
