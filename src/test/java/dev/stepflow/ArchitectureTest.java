package dev.stepflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package dependency rules of STYLE.md section 6.1, checked by reading the sources under
 * src/main/java: import lines and fully qualified names written inline in code (comments and string
 * literals do not count). No ArchUnit: a small scanner is enough for these rules.
 */
class ArchitectureTest {

  private static final Path MAIN_SOURCES = Path.of("src/main/java");

  /** First segments that start a package name; a qualified name with another root is a variable. */
  private static final Set<String> PACKAGE_ROOTS =
      Set.of("java", "javax", "jakarta", "jdk", "sun", "com", "org", "net", "io", "dev", "picocli");

  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  private static final Pattern IMPORT =
      Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;", Pattern.MULTILINE);
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("(?<![\\w$.])((?:[a-z_][\\w$]*\\s*\\.\\s*)+[A-Z_$][\\w$]*)");

  /** One dependency of a source file: a name it imports or writes out in full. */
  record Dependency(String file, int line, String name) {
    @Override
    public String toString() {
      return file + ":" + line + " -> " + name;
    }
  }

  /** A scanned source file. */
  record Source(String file, String packageName, List<Dependency> dependencies) {}

  private static List<Source> sources;

  @BeforeAll
  static void scanMainSources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
      sources =
          files
              .filter(path -> path.toString().endsWith(".java"))
              .sorted()
              .map(ArchitectureTest::read)
              .toList();
    }
  }

  @Test
  void scanSeesEveryLayer() {
    assertThat(sources.stream().map(Source::packageName))
        .contains(
            "dev.stepflow.app",
            "dev.stepflow.auth",
            "dev.stepflow.http",
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

  @Test
  void onlyAppDependsOnApp() {
    List<Dependency> violations =
        violations(inTree("dev.stepflow.app").negate(), name -> within(name, "dev.stepflow.app"));

    assertThat(violations).as("only app may use app").isEmpty();
  }

  @Test
  void onlyHttpAndAppDependOnHttpOrTheGeneratedApi() {
    List<Dependency> violations =
        violations(
            inTree("dev.stepflow.http").or(inTree("dev.stepflow.app")).negate(),
            name -> within(name, "dev.stepflow.http") || within(name, "dev.stepflow.api"));

    assertThat(violations).as("only http and app may use http or the generated api").isEmpty();
  }

  @Test
  void scannerFindsImportsOfEveryKind() {
    Source source =
        parse(
            "A.java",
            """
            package dev.stepflow.engine;

            import dev.stepflow.http.Envelopes;
            import static dev.stepflow.app.Main.run;
            import jakarta.ws.rs.*;
            """);

    assertThat(source.packageName()).isEqualTo("dev.stepflow.engine");
    assertThat(source.dependencies())
        .containsExactly(
            new Dependency("A.java", 3, "dev.stepflow.http.Envelopes"),
            new Dependency("A.java", 4, "dev.stepflow.app.Main.run"),
            new Dependency("A.java", 5, "jakarta.ws.rs.*"));
  }

  @Test
  void scannerFindsFullyQualifiedNamesWrittenInCode() {
    Source source =
        parse(
            "B.java",
            """
            package dev.stepflow.domain;

            @jakarta.annotation.Generated("x")
            class B {
              dev.stepflow.http.Envelopes envelopes = new dev.stepflow.http.Envelopes();
              java.util.List<String> names = out.add(row.from().x);
            }
            """);

    assertThat(source.dependencies())
        .containsExactly(
            new Dependency("B.java", 3, "jakarta.annotation.Generated"),
            new Dependency("B.java", 5, "dev.stepflow.http.Envelopes"),
            new Dependency("B.java", 5, "dev.stepflow.http.Envelopes"),
            new Dependency("B.java", 6, "java.util.List"));
  }

  @Test
  void scannerIgnoresCommentsAndLiterals() {
    Source source =
        parse(
            "C.java",
            """
            package dev.stepflow.domain;
            /** Unlike {@link dev.stepflow.http.Envelopes}, this is plain. */
            class C {
              // dev.stepflow.app.Main is not used here
              /* nor jakarta.ws.rs.Path */ char quote = '"';
              String text = "dev.stepflow.api.model.Workflow \\" jakarta.ws.rs.GET";
              String block = \"""
                  dev.stepflow.engine.service.InstanceControl
                  \""";
              char escaped = '\\'';
              dev.stepflow.store.InstanceStore store;
            }
            """);

    assertThat(source.dependencies())
        .containsExactly(new Dependency("C.java", 11, "dev.stepflow.store.InstanceStore"));
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

  private static Source read(Path path) {
    try {
      return parse(MAIN_SOURCES.relativize(path).toString(), Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Source parse(String file, String text) {
    String code = withoutCommentsAndLiterals(text);
    Matcher pkg = PACKAGE.matcher(code);
    String packageName = pkg.find() ? pkg.group(1) : "";
    List<Dependency> dependencies = new ArrayList<>();
    StringBuilder body = new StringBuilder(code);
    Matcher imports = IMPORT.matcher(code);
    while (imports.find()) {
      dependencies.add(new Dependency(file, lineOf(code, imports.start(1)), imports.group(1)));
      blank(body, imports.start(), imports.end());
    }
    if (pkg.find(0)) {
      blank(body, pkg.start(), pkg.end());
    }
    Matcher names = QUALIFIED_NAME.matcher(body);
    while (names.find()) {
      String name = names.group(1).replaceAll("\\s", "");
      if (PACKAGE_ROOTS.contains(name.substring(0, name.indexOf('.')))) {
        dependencies.add(new Dependency(file, lineOf(code, names.start(1)), name));
      }
    }
    return new Source(file, packageName, dependencies);
  }

  private static void blank(StringBuilder text, int start, int end) {
    for (int i = start; i < end; i++) {
      if (text.charAt(i) != '\n') {
        text.setCharAt(i, ' ');
      }
    }
  }

  private static int lineOf(String text, int offset) {
    return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
  }

  /**
   * Replaces comments, string, char and text-block literals by spaces, keeping line breaks so that
   * line numbers stay right.
   */
  static String withoutCommentsAndLiterals(String text) {
    StringBuilder out = new StringBuilder(text);
    int i = 0;
    while (i < text.length()) {
      int end = literalOrCommentEnd(text, i);
      if (end > i) {
        blank(out, i, end);
        i = end;
      } else {
        i++;
      }
    }
    return out.toString();
  }

  /** The end of the comment or literal starting at {@code i}, or {@code i} when none starts. */
  private static int literalOrCommentEnd(String text, int i) {
    if (text.startsWith("//", i)) {
      int newline = text.indexOf('\n', i);
      return newline < 0 ? text.length() : newline;
    }
    if (text.startsWith("/*", i)) {
      int close = text.indexOf("*/", i + 2);
      return close < 0 ? text.length() : close + 2;
    }
    if (text.startsWith("\"\"\"", i)) {
      return quotedEnd(text, i + 3, "\"\"\"");
    }
    char c = text.charAt(i);
    if (c == '"' || c == '\'') {
      return quotedEnd(text, i + 1, String.valueOf(c));
    }
    return i;
  }

  private static int quotedEnd(String text, int from, String close) {
    int i = from;
    while (i < text.length()) {
      if (text.charAt(i) == '\\') {
        i += 2;
      } else if (text.startsWith(close, i)) {
        return i + close.length();
      } else {
        i++;
      }
    }
    return text.length();
  }
}
