package dev.stepflow.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.TransitionTable;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WireNames;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Guards the committed generated-README.md against drift from the contract and the transition
 * table, and checks the parts of the rendering that readers rely on. With {@code
 * -Dstepflow.regenerate=true} (what scripts/generate-readme passes) the file is rewritten first.
 */
class GeneratedReadmeTest {

  private static final String STALE =
      "generated-README.md is stale; run " + GeneratedReadme.REGENERATE_COMMAND;

  @Test
  void committedFileMatchesAFreshRender() throws IOException {
    String fresh = GeneratedReadme.render();
    if (Boolean.getBoolean("stepflow.regenerate")) {
      GeneratedReadme.write(fresh);
    }
    String committed =
        Files.exists(GeneratedReadme.FILE) ? Files.readString(GeneratedReadme.FILE) : "";

    if (!committed.equals(fresh)) {
      fail(STALE + "\n" + firstDifference(committed, fresh));
    }
  }

  @Test
  void headerSaysTheFileIsGeneratedAndHowToRegenerateIt() {
    String firstLine = GeneratedReadme.render().lines().findFirst().orElseThrow();

    assertThat(firstLine)
        .contains("Generated file: do not edit")
        .contains("scripts/generate-readme");
  }

  @Test
  void endpointReferenceListsEveryOperationOfTheContractInFileOrder() throws IOException {
    JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(GeneratedReadme.OPENAPI.toFile());
    String rendered = GeneratedReadme.render();

    int previous = -1;
    for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
        String heading =
            "\n### "
                + method.getKey().toUpperCase(Locale.ROOT)
                + " /client/v4"
                + path.getKey()
                + "\n";
        int at = rendered.indexOf(heading);
        assertThat(at).as("heading %s", heading.strip()).isGreaterThan(previous);
        String operationId = "`" + method.getValue().path("operationId").asText() + "`: ";
        assertThat(rendered.indexOf(operationId, at)).as(operationId).isPositive();
        previous = at;
      }
    }
  }

  @Test
  void parameterRulesComeFromTheContract() {
    String rendered = GeneratedReadme.render();

    assertThat(rendered)
        .contains(
            "| `per_page` | query | no | integer | value 1..100 |",
            "| `direction` | query | no | string | one of `asc`, `desc` |",
            "| `account_id` | path | yes | string | length 1..32;"
                + " pattern `^[a-zA-Z0-9_][a-zA-Z0-9-_]*$` |",
            "| `page` | query | no | integer | deprecated; value ≥ 1 |",
            "- Request body: array of 1..100 `InstanceCreateRequest` (required)",
            "- Success: 200 `StatusChangeResponse`",
            "- Errors: 400 (BadRequest), 401 (Unauthorized), 403 (Forbidden), 404 (NotFound),"
                + " 409 (Conflict), 412 (PreconditionFailed), 422 (IdempotencyKeyReused),"
                + " default (Error)");
  }

  @Test
  void pipeInsideAPatternIsEscapedSoTheTableKeepsItsColumns() {
    String rendered = GeneratedReadme.render();

    assertThat(rendered).contains("{0,99}\\|[a-zA-Z0-9/, *#_-]*");
  }

  @Test
  void matrixCellsShowTargetNoOpOrTheRejectionCode() {
    String matrix = new TransitionTableDoc(Transitions.TABLE).matrix();

    assertThat(matrix.lines())
        .contains(
            "| status \\ action | pause | resume | terminate | terminate+rollback | restart | DELETE |",
            "| running | → waitingForPause | 409 (10403) | → terminated | → rollingBack | → queued"
                + " | deleted |",
            "| waitingForPause | no-op | → running | → terminated | → rollingBack | → queued"
                + " | deleted |",
            "| rollingBack | 409 (10402) | 409 (10403) | 409 (10401) | 409 (10401) | 409 (10404)"
                + " | 409 (10408) |",
            "| complete | 409 (10402) | 409 (10403) | 409 (10401) | 409 (10401) | → queued"
                + " | deleted |");
    assertThat(matrix.lines().filter(line -> line.startsWith("| "))).hasSize(1 + 9);
  }

  @Test
  void matrixListsStatusesInTheOrderTheTableDeclaresThem() {
    String matrix = new TransitionTableDoc(Transitions.TABLE).matrix();

    assertThat(matrix.lines().skip(4).map(line -> line.substring(2, line.indexOf(" |"))))
        .containsExactly(
            "queued",
            "running",
            "waiting",
            "waitingForPause",
            "paused",
            "rollingBack",
            "complete",
            "errored",
            "terminated");
  }

  @Test
  void diagramStartsInQueuedAndEndsInEveryTerminalStatus() {
    List<String> lines = new TransitionTableDoc(Transitions.TABLE).diagram().lines().toList();

    assertThat(lines).contains("stateDiagram-v2", "    [*] --> queued");
    assertThat(lines.stream().filter(line -> line.endsWith("--> [*]")))
        .containsExactly("    errored --> [*]", "    terminated --> [*]", "    complete --> [*]");
  }

  @Test
  void diagramHasAnEdgeForEveryRow() {
    List<String> lines = new TransitionTableDoc(Transitions.TABLE).diagram().lines().toList();

    for (TransitionTable.Row row : Transitions.TABLE.rows()) {
      String edge = "    " + wire(row.from()) + " --> " + wire(row.to()) + " : ";
      String label = row.trigger().label() + (row.noOp() ? " (no-op)" : "");
      assertThat(lines)
          .as("edge for %s + %s", row.from(), row.trigger().label())
          .anyMatch(
              line ->
                  line.startsWith(edge)
                      && List.of(line.substring(edge.length()).split(", ")).contains(label));
    }
  }

  @Test
  void codeSpanFenceOutgrowsBackticksInTheText() {
    assertThat(Markdown.code("a`b")).isEqualTo("``a`b``");
    assertThat(Markdown.code("`a")).isEqualTo("`` `a ``");
  }

  private static String wire(Status status) {
    return WireNames.status(status);
  }

  private static String firstDifference(String committed, String fresh) {
    List<String> old = committed.lines().toList();
    List<String> now = fresh.lines().toList();
    for (int i = 0; i < Math.max(old.size(), now.size()); i++) {
      String was = i < old.size() ? old.get(i) : "<end of file>";
      String is = i < now.size() ? now.get(i) : "<end of file>";
      if (!was.equals(is)) {
        return "first difference at line " + (i + 1) + ":\n  file:  " + was + "\n  fresh: " + is;
      }
    }
    return "the files differ in line endings or a trailing newline";
  }
}
