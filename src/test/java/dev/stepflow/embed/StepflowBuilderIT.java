package dev.stepflow.embed;

import static dev.stepflow.api.model.InstanceStatus.COMPLETE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stepflow.api.model.InstanceDetails;
import dev.stepflow.client.CreateInstance;
import dev.stepflow.client.StepflowClient;
import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public embedding builder: what an application's main method does. */
class StepflowBuilderIT {
  @TempDir Path data;

  /** Greets whoever the params name. */
  public static final class Greeting implements Workflow {
    @Override
    public Object run(WorkflowEvent event, Step step) {
      String name = event.params().path("name").asText();
      return step.run("greet", ctx -> Map.of("text", "hello " + name));
    }
  }

  /** No constructor without arguments: only a factory can make one. */
  public static final class NeedsGreeter implements Workflow {
    private final String greeting;

    public NeedsGreeter(String greeting) {
      this.greeting = greeting;
    }

    @Override
    public Object run(WorkflowEvent event, Step step) {
      return greeting;
    }
  }

  @Test
  void startsWithTheRegisteredClassesPrintsTheTokenHintAndRunsAnInstance() {
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    Stepflow stepflow;
    try {
      stepflow = Stepflow.builder().dataDir(data).port(0).register(Greeting.class).start();
    } finally {
      System.setOut(out);
    }
    try (stepflow;
        StepflowClient client =
            StepflowClient.builder()
                .baseUrl(stepflow.baseUrl())
                .apiToken(stepflow.apiToken().orElseThrow())
                .accountId("app")
                .build()) {
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("Stepflow is serving " + stepflow.baseUrl())
          .contains("export CLOUDFLARE_API_TOKEN=$(cat " + data.resolve("dev-token") + ")");
      assertThat(stepflow.apiToken()).contains(readToken());

      client.putWorkflow("greetings", "Greeting", "app");
      client.createInstance(
          "greetings", CreateInstance.withId("g1").withParams(Map.of("name", "Ada")));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> client.getInstance("greetings", "g1").getStatus() == COMPLETE);
      InstanceDetails done = client.getInstance("greetings", "g1");
      assertThat(done.getOutput()).isEqualTo(Map.of("text", "hello Ada"));
    }
  }

  @Test
  void onlyTheRegisteredClassesRunUnlessTheBuiltInsAreAskedFor() {
    try (Stepflow stepflow =
            Stepflow.builder()
                .dataDir(data)
                .port(0)
                .printBanner(false)
                .register("Greeter", () -> new NeedsGreeter("hi"))
                .start();
        StepflowClient client =
            StepflowClient.builder()
                .baseUrl(stepflow.baseUrl())
                .apiToken(stepflow.apiToken().orElseThrow())
                .accountId("app")
                .build()) {
      assertThatThrownBy(() -> client.putWorkflow("demo", "Scripted", "app"))
          .hasMessageContaining("Greeter");
      client.putWorkflow("greeters", "Greeter", "app");
    }
    try (Stepflow stepflow =
        Stepflow.builder().dataDir(data).port(0).printBanner(false).builtInWorkflows().start()) {
      assertThat(stepflow.port()).isPositive();
    }
  }

  @Test
  void aClassWithoutAnArgumentlessConstructorIsRefusedWhenRegistered() {
    assertThatThrownBy(() -> Stepflow.builder().register(NeedsGreeter.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a public constructor without arguments");
    assertThatThrownBy(() -> Stepflow.builder().register(Greeting.class).register(new Greeting()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Greeting is registered already");
  }

  @Test
  void aSecondServerOnTheSameFolderFailsToStartWithOneLine() {
    try (Stepflow first =
        Stepflow.builder()
            .dataDir(data)
            .port(0)
            .printBanner(false)
            .register(Greeting.class)
            .start()) {
      assertThatThrownBy(
              () ->
                  Stepflow.builder()
                      .dataDir(data)
                      .port(0)
                      .printBanner(false)
                      .register(Greeting.class)
                      .start())
          .isInstanceOf(StartException.class)
          .hasMessageStartingWith("Data folder " + data + " is in use by another Stepflow server")
          .hasMessageNotContaining("\n");
      assertThat(first.port()).isPositive();
    }
  }

  private String readToken() {
    try {
      return Files.readString(data.resolve("dev-token")).strip();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
