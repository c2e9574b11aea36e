package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.testing.WorkflowJars;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.builtin.EffectLog;
import dev.stepflow.workflow.builtin.Scripted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --workflows DIR}: real jars, compiled and packed at test time, registered into the
 * built-in registry; every jar or class that cannot be used is skipped with one line and the rest
 * is registered.
 */
class WorkflowFolderTest {
  @TempDir Path dir;

  private final WorkflowRegistry registry = StepflowServer.builtInWorkflows(EffectLog.NONE);
  private WorkflowFolder folder = WorkflowFolder.none();

  @AfterEach
  void closeLoaders() {
    folder.close();
  }

  private static String workflow(String pkg, String name, String body) {
    return "package "
        + pkg
        + ";\n"
        + "import dev.stepflow.workflow.*;\n"
        + "public final class "
        + name
        + " implements Workflow {\n"
        + body
        + "\n  public Object run(WorkflowEvent event, Step step) {\n"
        + "    return step.run(\"greet\", ctx -> \""
        + pkg
        + "\");\n"
        + "  }\n}\n";
  }

  private Path jar(String file, String pkg, String name, String body) throws IOException {
    return WorkflowJars.build(dir.resolve(file), pkg + "." + name, workflow(pkg, name, body));
  }

  private WorkflowFolder load() {
    folder = WorkflowFolder.load(dir, registry);
    return folder;
  }

  @Test
  void aJarRegistersItsClassUnderItsSimpleNameWithANewInstancePerRun() throws IOException {
    jar("greeter.jar", "example", "Greeter", "");

    load();

    assertThat(folder.problems()).isEmpty();
    assertThat(folder.registered()).isEqualTo(Map.of("Greeter", "greeter.jar"));
    assertThat(registry.names()).containsExactly("Greeter", "OrderFulfilment", "Scripted");
    Workflow first = registry.create("Greeter").orElseThrow();
    Workflow second = registry.create("Greeter").orElseThrow();
    assertThat(first.getClass().getName()).isEqualTo("example.Greeter");
    assertThat(first).isNotSameAs(second);
    assertThat(first.getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
    assertThat(folder.listing(registry))
        .isEqualTo(
            "Workflow classes: Greeter (greeter.jar), OrderFulfilment (built-in), Scripted"
                + " (built-in); jars from "
                + dir);
  }

  @Test
  void aNameTwoJarsDeclareIsKeptFromTheFirstJarByFileName() throws IOException {
    jar("b-second.jar", "second", "Greeter", "");
    jar("a-first.jar", "first", "Greeter", "");

    load();

    assertThat(folder.registered()).isEqualTo(Map.of("Greeter", "a-first.jar"));
    assertThat(registry.create("Greeter").orElseThrow().getClass().getName())
        .isEqualTo("first.Greeter");
    assertThat(folder.problems())
        .containsExactly(
            "Skipped workflow class second.Greeter of b-second.jar: the name Greeter is already"
                + " registered by a-first.jar; kept that one");
  }

  @Test
  void aBuiltInNameIsKept() throws IOException {
    jar("mine.jar", "mine", "Scripted", "");

    load();

    assertThat(folder.registered()).isEmpty();
    assertThat(registry.create("Scripted").orElseThrow()).isInstanceOf(Scripted.class);
    assertThat(folder.problems())
        .containsExactly(
            "Skipped workflow class mine.Scripted of mine.jar: the name Scripted is already"
                + " registered by the built-in workflows; kept that one");
  }

  @Test
  void aFileThatIsNoJarIsSkippedAndTheOthersLoad() throws IOException {
    WorkflowJars.notAJar(dir.resolve("broken.jar"));
    jar("greeter.jar", "example", "Greeter", "");

    load();

    assertThat(folder.registered()).containsOnlyKeys("Greeter");
    assertThat(folder.problems()).hasSize(1);
    assertThat(folder.problems().getFirst())
        .startsWith("Skipped broken.jar: not a valid jar file (")
        .doesNotContain("\n");
  }

  @Test
  void aServicesEntryNamingAMissingClassIsSkippedAndTheOthersInTheJarLoad() throws IOException {
    WorkflowJars.build(
        dir.resolve("greeter.jar"),
        Map.of("example.Greeter", workflow("example", "Greeter", "")),
        List.of("example.Missing", "example.Greeter"),
        List.of());

    load();

    assertThat(folder.registered()).containsOnlyKeys("Greeter");
    assertThat(folder.problems())
        .containsExactly(
            "Skipped a workflow class of greeter.jar: dev.stepflow.workflow.Workflow: Provider"
                + " example.Missing not found");
  }

  @Test
  void aClassWhoseStaticInitialiserThrowsIsSkipped() throws IOException {
    jar(
        "boom.jar",
        "example",
        "Boom",
        "  static { if (true) { throw new IllegalStateException(\"no config\"); } }");

    load();

    assertThat(folder.registered()).isEmpty();
    assertThat(registry.contains("Boom")).isFalse();
    assertThat(folder.problems())
        .containsExactly(
            "Skipped workflow class example.Boom of boom.jar: constructing one failed:"
                + " ExceptionInInitializerError; caused by IllegalStateException: no config");
  }

  @Test
  void aClassWhoseConstructorThrowsIsSkipped() throws IOException {
    jar(
        "picky.jar",
        "example",
        "Picky",
        "  public Picky() { throw new IllegalStateException(\"no\"); }");

    load();

    assertThat(registry.contains("Picky")).isFalse();
    assertThat(folder.problems())
        .containsExactly(
            "Skipped workflow class example.Picky of picky.jar: constructing one failed:"
                + " IllegalStateException: Constructing workflow class example.Picky failed;"
                + " caused by IllegalStateException: no");
  }

  @Test
  void aClassWithoutAPublicNoArgConstructorIsSkipped() throws IOException {
    jar("args.jar", "example", "Args", "  public Args(String name) {}");

    load();

    assertThat(registry.contains("Args")).isFalse();
    assertThat(folder.problems()).hasSize(1);
    assertThat(folder.problems().getFirst())
        .startsWith(
            "Skipped a workflow class of args.jar: dev.stepflow.workflow.Workflow: example.Args"
                + " Unable to get public no-arg constructor");
  }

  @Test
  void aClassThatIsNoWorkflowIsSkipped() throws IOException {
    WorkflowJars.build(
        dir.resolve("plain.jar"),
        "example.Plain",
        "package example;\npublic final class Plain {}\n");

    load();

    assertThat(registry.contains("Plain")).isFalse();
    assertThat(folder.problems())
        .containsExactly(
            "Skipped a workflow class of plain.jar: dev.stepflow.workflow.Workflow: example.Plain"
                + " not a subtype");
  }

  @Test
  void aClassWhoseSuperclassIsMissingFromTheJarIsSkipped() throws IOException {
    WorkflowJars.build(
        dir.resolve("partial.jar"),
        Map.of(
            "example.Base",
            "package example;\npublic abstract class Base {}\n",
            "example.Child",
            "package example;\nimport dev.stepflow.workflow.*;\n"
                + "public final class Child extends Base implements Workflow {\n"
                + "  public Object run(WorkflowEvent event, Step step) { return null; }\n}\n"),
        List.of("example.Child"),
        List.of("example.Base"));

    load();

    assertThat(registry.contains("Child")).isFalse();
    assertThat(folder.problems())
        .containsExactly(
            "Skipped a workflow class of partial.jar: NoClassDefFoundError: example/Base; caused"
                + " by ClassNotFoundException: example.Base");
  }

  @Test
  void aJarWithoutWorkflowsIsWarnedAbout() throws IOException {
    WorkflowJars.build(
        dir.resolve("library.jar"),
        Map.of("example.Util", "package example;\npublic final class Util {}\n"),
        List.of(),
        List.of());

    load();

    assertThat(folder.registered()).isEmpty();
    assertThat(folder.problems())
        .containsExactly(
            "No workflow class in library.jar: it has no"
                + " META-INF/services/dev.stepflow.workflow.Workflow naming a class of its own;"
                + " nothing registered from it");
  }

  @Test
  void anEmptyFolderRegistersNothingAndTellsNothing() throws IOException {
    Files.createDirectory(dir.resolve("sub.jar"));
    Files.writeString(dir.resolve("notes.txt"), "not a jar by name");

    load();

    assertThat(folder.registered()).isEmpty();
    assertThat(folder.problems()).isEmpty();
    assertThat(registry.names()).containsExactly("OrderFulfilment", "Scripted");
  }

  @Test
  void aMissingFolderIsAStartFailure() {
    Path missing = dir.resolve("missing");

    assertThatThrownBy(() -> WorkflowFolder.load(missing, registry))
        .isInstanceOf(StartFailure.class)
        .hasMessage(
            "Cannot load workflows from "
                + missing
                + " (--workflows or STEPFLOW_WORKFLOWS): it does not exist. Choose a folder"
                + " holding your workflow jars.");
  }

  @Test
  void aFileInsteadOfAFolderIsAStartFailure() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");

    assertThatThrownBy(() -> WorkflowFolder.load(file, registry))
        .isInstanceOf(StartFailure.class)
        .hasMessageContaining("it is not a readable folder");
  }
}
