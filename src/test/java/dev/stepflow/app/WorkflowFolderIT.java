package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.testing.WorkflowJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stepflow serve --workflows DIR} through the packaged jar: a workflow class from a jar the
 * user built runs to its end over HTTP, a bad jar beside it costs one log line, and a folder that
 * is not there stops the start in one line.
 */
class WorkflowFolderIT {
  private static final String WF = "/client/v4/accounts/acc/workflows/greetings";
  private static final String GREETER =
      """
      package example;

      import com.fasterxml.jackson.databind.JsonNode;
      import dev.stepflow.workflow.*;
      import java.time.Duration;
      import java.util.Map;

      public final class Greeter implements Workflow {
        public Object run(WorkflowEvent event, Step step) {
          JsonNode greeting =
              step.run("greet", ctx -> "Hello, " + event.params().get("name").asText());
          step.sleep("rest", Duration.ofMillis(300));
          // after the sleep, in a new run: code that looks classes up by name finds the jar's
          boolean ownClasses = step.run("find-own-class", ctx -> {
            try {
              Class.forName("example.Greeter", false, Thread.currentThread().getContextClassLoader());
              return true;
            } catch (ClassNotFoundException e) {
              return false;
            }
          }).asBoolean();
          return Map.of("greeting", greeting.asText(), "own_classes", ownClasses);
        }
      }
      """;

  @TempDir Path work;
  private Path workflows;

  @BeforeEach
  void buildJars() throws IOException {
    workflows = Files.createDirectory(work.resolve("workflows"));
    WorkflowJars.build(workflows.resolve("greeter.jar"), "example.Greeter", GREETER);
    WorkflowJars.notAJar(workflows.resolve("broken.jar"));
  }

  @Test
  void aWorkflowClassFromAJarRunsToItsEndAndTheBadJarIsToldInOneLine() throws Exception {
    try (StepflowProcess server =
        StepflowProcess.start(
            work.resolve("data"), work, "folder", List.of("--workflows", workflows.toString()))) {
      List<String> log = Files.readAllLines(server.stderrFile());
      assertThat(log)
          .as(server.stderrTail())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("WARN")
                      .contains("Skipped broken.jar: not a valid jar file ("))
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("INFO")
                      .endsWith(
                          "Workflow classes: Greeter (greeter.jar), OrderFulfilment (built-in),"
                              + " Scripted (built-in); jars from "
                              + workflows));

      ApiClient api = server.client();
      assertThat(api.put(WF, "{\"class_name\":\"Greeter\",\"script_name\":\"app\"}").status())
          .isEqualTo(200);
      ApiResponse created =
          api.post(WF + "/instances", "{\"instance_id\":\"g1\",\"params\":{\"name\":\"Ada\"}}");
      assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> "complete".equals(instance(api, "g1").get("status").asText()));
      JsonNode done = instance(api, "g1");
      assertThat(done.get("output").get("greeting").asText()).isEqualTo("Hello, Ada");
      assertThat(done.get("output").get("own_classes").asBoolean())
          .as("the jar's classes through the thread's context class loader")
          .isTrue();
    }
  }

  @Test
  void anUnknownClassNameIsRefusedListingTheJarsClasses() throws Exception {
    try (StepflowProcess server =
        StepflowProcess.start(
            work.resolve("data"), work, "unknown", List.of("--workflows", workflows.toString()))) {
      ApiResponse refused =
          server.client().put(WF, "{\"class_name\":\"Greeterr\",\"script_name\":\"app\"}");

      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.body().get("messages").get(0).asText())
          .isEqualTo(
              "class_name 'Greeterr' names no registered workflow class; registered: Greeter,"
                  + " OrderFulfilment, Scripted.");
    }
  }

  @Test
  void theEnvironmentVariableNamesTheFolderWhenTheOptionIsAbsent() throws Exception {
    try (StepflowProcess server =
        StepflowProcess.start(
            work.resolve("data"),
            work,
            "env",
            List.of(),
            List.of(),
            Map.of("STEPFLOW_WORKFLOWS", workflows.toString()))) {
      assertThat(Files.readString(server.stderrFile()))
          .contains("Workflow classes: Greeter (greeter.jar)");
      assertThat(
              server
                  .client()
                  .put(WF, "{\"class_name\":\"Greeter\",\"script_name\":\"a\"}")
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void aMissingFolderStopsTheStartInOneLine() throws Exception {
    Path missing = work.resolve("no-such-folder");

    StartMistakesIT.assertToldInOneLine(
        StepflowProcess.run(
            List.of("serve", "--port", "0", "--data", work.resolve("data").toString()),
            Map.of("STEPFLOW_WORKFLOWS", missing.toString())),
        "Cannot load workflows from "
            + missing
            + " (--workflows or STEPFLOW_WORKFLOWS): it does not exist. Choose a folder holding"
            + " your workflow jars.");
  }

  @Test
  void aMissingFolderNamedByTheOptionStopsTheStartInOneLine() throws Exception {
    Path missing = work.resolve("no-such-folder");

    StartMistakesIT.assertToldInOneLine(
        StepflowProcess.run(
            List.of(
                "serve",
                "--port",
                "0",
                "--data",
                work.resolve("data").toString(),
                "--workflows",
                missing.toString())),
        "Cannot load workflows from "
            + missing
            + " (--workflows or STEPFLOW_WORKFLOWS): it does not exist. Choose a folder holding"
            + " your workflow jars.");
  }

  @Test
  void aStartThatFailsLaterIsToldInItsOneLineWithoutTheFolderLines() throws Exception {
    Path file = Files.writeString(work.resolve("afile"), "x");

    StartMistakesIT.assertToldInOneLine(
        StepflowProcess.run(
            List.of(
                "serve",
                "--port",
                "0",
                "--data",
                file.toString(),
                "--workflows",
                workflows.toString())),
        "Cannot use folder "
            + file
            + " (--data): it is a file, not a folder. Choose a folder this user may write to;"
            + " missing folders are created.");
  }

  private static JsonNode instance(ApiClient api, String id) {
    return api.get(WF + "/instances/" + id).result();
  }
}
