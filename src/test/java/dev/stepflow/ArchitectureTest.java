package dev.stepflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.SourceScan.Dependency;
import dev.stepflow.SourceScan.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package dependency rules of STYLE.md section 6.1, checked by reading the sources under
 * src/main/java with {@link SourceScan}. No ArchUnit: a small scanner is enough for these rules.
 */
class ArchitectureTest {

  private static List<Source> sources;

  @BeforeAll
  static void scanMainSources() throws IOException {
    try (Stream<Path> files = Files.walk(SourceScan.MAIN_SOURCES)) {
      sources =
          files
              .filter(path -> path.toString().endsWith(".java"))
              .sorted()
              .map(SourceScan::read)
              .toList();
    }
  }

  @Test
  void scanSeesEveryLayer() {
    assertThat(sources.stream().map(Source::packageName))
        .contains(
            "dev.stepflow.app",
            "dev.stepflow.auth",
            "dev.stepflow.client",
            "dev.stepflow.embed",
            "dev.stepflow.testkit",
            "dev.stepflow.http",
            "dev.stepflow.web",
            "dev.stepflow.domain",
            "dev.stepflow.engine.service",
            "dev.stepflow.engine.runtime",
            "dev.stepflow.store",
            "dev.stepflow.store.jdbc");
  }

  @Test
  void domainDependsOnlyOnTheJdkAndItself() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.domain"),
            name -> !within(name, "java") && !within(name, "dev.stepflow.domain"));

    assertThat(violations).as("domain may use only java.* and itself").isEmpty();
  }

  @Test
  void storeDependsOnNeitherHttpEngineAppNorJaxRs() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.store"),
            name ->
                within(name, "dev.stepflow.http")
                    || within(name, "dev.stepflow.engine")
                    || within(name, "dev.stepflow.app")
                    || within(name, "jakarta.ws"));

    assertThat(violations).as("store must not depend on http, engine, app or JAX-RS").isEmpty();
  }

  @Test
  void engineDependsOnNeitherHttpAppGeneratedApiNorJaxRs() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.engine"),
            name ->
                within(name, "dev.stepflow.http")
                    || within(name, "dev.stepflow.app")
                    || within(name, "dev.stepflow.api")
                    || within(name, "jakarta.ws"));

    assertThat(violations)
        .as("engine must not depend on http, app, the generated api or JAX-RS")
        .isEmpty();
  }

  /**
   * The execution runtime (dispatcher, runs, leases) is what the request-side services drive; it
   * never calls back into them, so it can be started, tested and reasoned about on its own.
   */
  @Test
  void runtimeNeverDependsOnServices() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.engine.runtime"),
            name -> within(name, "dev.stepflow.engine.service"));

    assertThat(violations).as("engine.runtime must not depend on engine.service").isEmpty();
  }

  /** Every class of the engine lives in one of its two halves. */
  @Test
  void engineHasOnlyItsServiceAndRuntimeHalves() {
    assertThat(
            sources.stream()
                .map(Source::packageName)
                .filter(name -> within(name, "dev.stepflow.engine"))
                .distinct())
        .containsExactlyInAnyOrder("dev.stepflow.engine.service", "dev.stepflow.engine.runtime");
  }

  /** No two packages depend on each other, directly or through others. */
  @Test
  void packagesFormNoCycle() {
    Map<String, Set<String>> graph = packageGraph();
    List<List<String>> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      findCycle(graph, start).ifPresent(cycles::add);
    }

    assertThat(cycles).as("package dependency cycles").isEmpty();
  }

  @Test
  void cycleSearchFindsACycle() {
    Map<String, Set<String>> graph =
        Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));

    assertThat(findCycle(graph, "a")).contains(List.of("a", "b", "c", "a"));
    assertThat(findCycle(graph, "d")).isEmpty();
  }

  /** Which packages of Stepflow each package of Stepflow depends on (the generated api aside). */
  private static Map<String, Set<String>> packageGraph() {
    Set<String> packages = new TreeSet<>();
    sources.forEach(source -> packages.add(source.packageName()));
    Map<String, Set<String>> graph = new TreeMap<>();
    for (Source source : sources) {
      Set<String> targets = graph.computeIfAbsent(source.packageName(), k -> new TreeSet<>());
      for (Dependency dependency : source.dependencies()) {
        packageOf(dependency.name(), packages)
            .filter(target -> !target.equals(source.packageName()))
            .ifPresent(targets::add);
      }
    }
    return graph;
  }

  /** The longest scanned package that {@code name} lies in. */
  private static Optional<String> packageOf(String name, Set<String> packages) {
    return packages.stream()
        .filter(pkg -> name.startsWith(pkg + "."))
        .max(Comparator.comparingInt(String::length));
  }

  /** A path from {@code start} back to itself, if there is one. */
  static Optional<List<String>> findCycle(Map<String, Set<String>> graph, String start) {
    ArrayDeque<List<String>> paths = new ArrayDeque<>();
    paths.add(List.of(start));
    Set<String> seen = new HashSet<>();
    while (!paths.isEmpty()) {
      List<String> path = paths.poll();
      for (String next : graph.getOrDefault(path.getLast(), Set.of())) {
        List<String> longer = new ArrayList<>(path);
        longer.add(next);
        if (next.equals(start)) {
          return Optional.of(longer);
        }
        if (seen.add(next)) {
          paths.add(longer);
        }
      }
    }
    return Optional.empty();
  }

  /** Tokens are a concern of their own: files and hashes, no HTTP, no engine, no store. */
  @Test
  void authDependsOnNoOtherLayer() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.auth"),
            name ->
                within(name, "dev.stepflow") && !within(name, "dev.stepflow.auth")
                    || within(name, "jakarta.ws"));

    assertThat(violations).as("auth may use only itself, the JDK and libraries").isEmpty();
  }

  /**
   * The HTTP front (Jetty, limits, TLS) knows nothing of what it serves: it mounts whatever Jersey
   * application app gives it, and speaks the envelope's error codes (domain) for its own answers.
   */
  @Test
  void webDependsOnlyOnDomainAndLibraries() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.web"),
            name ->
                within(name, "dev.stepflow")
                    && !within(name, "dev.stepflow.web")
                    && !within(name, "dev.stepflow.domain"));

    assertThat(violations).as("web may use only itself, domain, the JDK and libraries").isEmpty();
  }

  /** The composition root; the public embedding builder and the test kit start servers with it. */
  @Test
  void onlyAppEmbedAndTestkitDependOnApp() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.app")
                .or(inTree("dev.stepflow.embed"))
                .or(inTree("dev.stepflow.testkit"))
                .negate(),
            name -> within(name, "dev.stepflow.app"));

    assertThat(violations).as("only app, embed and testkit may use app").isEmpty();
  }

  /**
   * The public entry points start a server through the composition root and talk to it as a client
   * does; the layers below (http, web, store, domain) stay theirs to change.
   */
  @Test
  void embedAndTestkitStayOffTheInnerLayers() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.embed").or(inTree("dev.stepflow.testkit")),
            name ->
                within(name, "dev.stepflow.http")
                    || within(name, "dev.stepflow.web")
                    || within(name, "dev.stepflow.store")
                    || within(name, "dev.stepflow.domain")
                    || within(name, "jakarta.ws"));

    assertThat(violations).as("embed and testkit may not use http, web, store or domain").isEmpty();
  }

  @Test
  void onlyHttpAndAppDependOnHttpOrTheGeneratedApi() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.http")
                .or(inTree("dev.stepflow.app"))
                .or(inTree("dev.stepflow.client"))
                .negate(),
            name -> within(name, "dev.stepflow.http") || within(name, "dev.stepflow.api"));
    // the test kit answers in the client's types, the generated models, and uses nothing else of
    // api
    violations = new ArrayList<>(violations);
    violations.removeIf(
        d -> d.file().contains("/testkit/") && within(d.name(), "dev.stepflow.api.model"));

    assertThat(violations)
        .as("only http, app and client (and the test kit, the models) may use http or the api")
        .isEmpty();
  }

  /**
   * The Java client is public library API that applications use without the server: it speaks HTTP
   * with the JDK, JSON with Jackson, and answers in the generated models, nothing else.
   */
  @Test
  void clientDependsOnlyOnTheJdkJacksonAndTheGeneratedModels() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.client"),
            name ->
                !within(name, "java")
                    && !within(name, "com.fasterxml.jackson")
                    && !within(name, "dev.stepflow.api.model")
                    && !within(name, "dev.stepflow.client"));

    assertThat(violations)
        .as("client may use only java.*, Jackson, the generated models and itself")
        .isEmpty();
  }

  private static List<Dependency> violations(Predicate<Source> which, Predicate<String> forbidden) {
    return sources.stream()
        .filter(which)
        .flatMap(source -> source.dependencies().stream())
        .filter(dependency -> forbidden.test(dependency.name()))
        .toList();
  }

  private static Predicate<Source> inTree(String packageName) {
    return source -> within(source.packageName(), packageName);
  }

  /** True when {@code name} is {@code packageName} or lies below it (segment-wise, not prefix). */
  private static boolean within(String name, String packageName) {
    return name.equals(packageName) || name.startsWith(packageName + ".");
  }
}
