package dev.stepflow.docs;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Effect;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.TransitionTable;
import dev.stepflow.domain.WireNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders a {@link TransitionTable} for generated-README.md: the Status x Action matrix, the
 * engine-event rows, the effects of each client action, and a Mermaid state diagram of all rows.
 */
final class TransitionTableDoc {

  private final TransitionTable table;

  TransitionTableDoc(TransitionTable table) {
    this.table = table;
  }

  String render() {
    return "## Instance status: the transition table\n\n"
        + "Rendered from `dev.stepflow.domain.Transitions.TABLE`, the only place status rules are"
        + " written. A pair without a row is rejected with 409 and the action's error code.\n\n"
        + matrix()
        + "\n"
        + deletion()
        + "\n"
        + engineEvents()
        + "\n"
        + actionEffects()
        + "\n"
        + effectLegend()
        + "\n"
        + diagram();
  }

  /**
   * Rows are statuses by wire name, in the order the table first declares rows for them; columns
   * are actions by label.
   */
  String matrix() {
    StringBuilder out = new StringBuilder("### Status × Action\n\n");
    List<String> header = new ArrayList<>(List.of("status \\ action"));
    for (Action action : Action.values()) {
      header.add(action.label());
    }
    header.add("DELETE");
    out.append(Markdown.row(header.toArray(String[]::new)));
    out.append("|---".repeat(header.size())).append("|\n");
    for (Status status : statusesInTableOrder()) {
      List<String> cells = new ArrayList<>(List.of(WireNames.status(status)));
      for (Action action : Action.values()) {
        cells.add(cell(table.decide(status, action)));
      }
      cells.add(deletionCell(status));
      out.append(Markdown.row(cells.toArray(String[]::new)));
    }
    return out.toString();
  }

  private Set<Status> statusesInTableOrder() {
    Set<Status> ordered = new LinkedHashSet<>();
    for (TransitionTable.Row row : table.rows()) {
      ordered.add(row.from());
    }
    ordered.addAll(List.of(Status.values()));
    return ordered;
  }

  private static String cell(Decision decision) {
    return switch (decision) {
      case Decision.Move move -> "→ " + WireNames.status(move.to());
      case Decision.NoOp noOp -> "no-op";
      case Decision.Reject reject ->
          "409 (" + ((Action) reject.trigger()).rejectedWith().code() + ")";
    };
  }

  private String deletionCell(Status status) {
    return table.allowsDeletion(status)
        ? "deleted"
        : "409 (" + ErrorCode.CANNOT_DELETE.code() + ")";
  }

  /** What the DELETE column means, and how the rule reaches a workflow's and a batch's deletes. */
  private String deletion() {
    String refused =
        Arrays.stream(Status.values())
            .filter(status -> !table.allowsDeletion(status))
            .map(status -> Markdown.code(WireNames.status(status)))
            .collect(Collectors.joining(", "));
    return "The DELETE column is `DELETE .../instances/{instance_id}`, which stops the instance's run"
        + " and removes it with all its state. It is refused while the instance is "
        + refused
        + " (409, `"
        + ErrorCode.CANNOT_DELETE.key()
        + "`, nothing changes), so that work is never cut short."
        + " `DELETE .../workflows/{workflow_name}` is refused the same way, deleting nothing, while"
        + " any of its instances is; `POST .../instances/batch/delete` reports each such instance in"
        + " `errors` with code "
        + ErrorCode.CANNOT_DELETE.code()
        + " and deletes the others.\n";
  }

  private String engineEvents() {
    StringBuilder out = new StringBuilder("### Engine events\n\n");
    out.append("Facts the engine reports; any other (status, event) pair is refused.\n\n");
    out.append("| status | event | moves to | effects |\n|---|---|---|---|\n");
    for (TransitionTable.Row row : table.rows()) {
      if (row.trigger() instanceof EngineEvent) {
        out.append(rowLine(row));
      }
    }
    return out.toString();
  }

  private String actionEffects() {
    StringBuilder out = new StringBuilder("### Effects of client actions\n\n");
    out.append("| status | action | moves to | effects |\n|---|---|---|---|\n");
    for (TransitionTable.Row row : table.rows()) {
      if (row.trigger() instanceof Action && !row.noOp()) {
        out.append(rowLine(row));
      }
    }
    return out.toString();
  }

  /** What each effect does and which layer carries it out. */
  private static String effectLegend() {
    StringBuilder out = new StringBuilder("### What the effects do\n\n");
    out.append("| effect | carried out by | what it does |\n|---|---|---|\n");
    for (Effect effect : Effect.values()) {
      out.append(
          Markdown.row(
              Markdown.code(effect.name()),
              effect.carriers().stream()
                  .map(carrier -> carrier.name().toLowerCase(java.util.Locale.ROOT))
                  .collect(Collectors.joining(", ")),
              effect.description()));
    }
    return out.toString();
  }

  private static String rowLine(TransitionTable.Row row) {
    return Markdown.row(
        WireNames.status(row.from()),
        Markdown.code(row.trigger().label()),
        WireNames.status(row.to()),
        effects(row.effects()));
  }

  /** Effects in declaration order: the row's set has no stable order of its own. */
  private static String effects(Set<Effect> effects) {
    if (effects.isEmpty()) {
      return "none";
    }
    return effects.stream()
        .sorted()
        .map(effect -> Markdown.code(effect.name()))
        .collect(Collectors.joining(", "));
  }

  /**
   * A stateDiagram-v2 of all rows; rows with the same source and target share one edge whose label
   * lists their triggers. No-op rows are self-loops marked "(no-op)".
   */
  String diagram() {
    Map<String, List<String>> edges = new LinkedHashMap<>();
    for (TransitionTable.Row row : table.rows()) {
      String edge = stateId(row.from()) + " --> " + stateId(row.to());
      String label = row.trigger().label() + (row.noOp() ? " (no-op)" : "");
      edges.computeIfAbsent(edge, e -> new ArrayList<>()).add(label);
    }
    StringBuilder out = new StringBuilder("### State diagram\n\n```mermaid\nstateDiagram-v2\n");
    out.append("    [*] --> ").append(stateId(table.initial())).append('\n');
    edges.forEach(
        (edge, labels) ->
            out.append("    ")
                .append(edge)
                .append(" : ")
                .append(edgeLabel(String.join(", ", labels)))
                .append('\n'));
    for (Status status : Status.values()) {
      if (status.isTerminal()) {
        out.append("    ").append(stateId(status)).append(" --> [*]\n");
      }
    }
    return out.append("```\n").toString();
  }

  /** Mermaid state ids allow letters, digits and '_' only; wire names need no change today. */
  private static String stateId(Status status) {
    return WireNames.status(status).replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** An edge label runs to the end of the line; ';' and '#' would end it early. */
  private static String edgeLabel(String label) {
    return label.replaceAll("[;#]", "_");
  }
}
