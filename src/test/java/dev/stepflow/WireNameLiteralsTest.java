package dev.stepflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.RollbackCause;
import dev.stepflow.domain.RollbackOutcome;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepStatus;
import dev.stepflow.domain.WireNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Statuses, step kinds and outcomes are spelled once, in {@link WireNames}: no other main source
 * writes one as a string literal, nor quotes one in the SQL of a literal. Code compares the enums
 * and asks WireNames for the name. Built-in workflows are user code with formats of their own
 * (Scripted's params say {"do": ...}), so they are not held to it; nor is the Java client, which
 * speaks the wire from outside and may not use the domain's enums (ArchitectureTest), nor the log's
 * field names (LogFields: its "step" field names a step, it is not the step kind).
 */
class WireNameLiteralsTest {
  private static final Path MAIN_SOURCES = Path.of("src/main/java");
  private static final Set<Path> EXEMPT =
      Set.of(
          MAIN_SOURCES.resolve("dev/stepflow/domain/WireNames.java"),
          MAIN_SOURCES.resolve("dev/stepflow/workflow/builtin"),
          MAIN_SOURCES.resolve("dev/stepflow/client"),
          MAIN_SOURCES.resolve("dev/stepflow/engine/runtime/LogFields.java"));

  private static final Pattern LITERAL =
      Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:\\\\.|[^\"\\\\\\n])*)\"", Pattern.DOTALL);

  @Test
  void noMainSourceSpellsAWireNameOutsideWireNames() throws IOException {
    Set<String> names = wireNames();
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        if (EXEMPT.stream().noneMatch(file::startsWith)) {
          found.addAll(spelled(file.toString(), Files.readString(file), names));
        }
      }
    }

    assertThat(found).as("wire names written outside WireNames").isEmpty();
  }

  @Test
  void theScanFindsPlainAndQuotedSpellings() {
    String code =
        """
        class X {
          String a = "waiting";
          String b = "status IN ('running', 'paused')";
          String c = \"""
              WHERE type = 'do'\""";
          String d = "waiting for the lease";
        }
        """;

    assertThat(spelled("X.java", code, wireNames()))
        .containsExactly(
            "X.java: \"waiting\"", "X.java: 'running'", "X.java: 'paused'", "X.java: 'do'");
  }

  static List<String> spelled(String file, String code, Set<String> names) {
    List<String> found = new ArrayList<>();
    Matcher literal = LITERAL.matcher(withoutComments(code));
    while (literal.find()) {
      String text = literal.group(1) != null ? literal.group(1) : literal.group(2);
      if (names.contains(text)) {
        found.add(file + ": \"" + text + "\"");
      }
      Matcher quoted = Pattern.compile("'([A-Za-z]+)'").matcher(text);
      while (quoted.find()) {
        if (names.contains(quoted.group(1))) {
          found.add(file + ": '" + quoted.group(1) + "'");
        }
      }
    }
    return found;
  }

  private static String withoutComments(String code) {
    return code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
  }

  private static Set<String> wireNames() {
    Set<String> names = new TreeSet<>();
    Arrays.stream(Status.values()).map(WireNames::status).forEach(names::add);
    Arrays.stream(StepKind.values()).map(WireNames::stepKind).forEach(names::add);
    Arrays.stream(StepKind.values()).map(WireNames::logEntryType).forEach(names::add);
    Arrays.stream(StepStatus.values()).map(WireNames::stepStatus).forEach(names::add);
    Arrays.stream(RollbackOutcome.values()).map(WireNames::rollbackOutcome).forEach(names::add);
    Arrays.stream(RollbackCause.values()).map(WireNames::rollbackCause).forEach(names::add);
    names.add(WireNames.TERMINATION_ENTRY);
    return names;
  }
}
