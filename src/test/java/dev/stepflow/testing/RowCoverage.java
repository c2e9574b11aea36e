package dev.stepflow.testing;

import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.TransitionTable;
import dev.stepflow.domain.Trigger;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;

/**
 * Which rows of a transition table the tests exercised, after Temporal's {@code
 * getUnvisitedTransitions} (STYLE.md section 6.2). A row is identified by its (from status,
 * trigger) pair. Moves are read back from the status histories of the instances a test touched
 * (every applied move, whether a client or the engine made it, leaves a history row); no-ops leave
 * no history, so {@link RecordingInstanceStore} reports them as the table decides them.
 *
 * <p>{@link #SUITE} is the one registry of the JVM: every {@link EngineHarness} reports to it, and
 * the coverage gate (run last) reads it. Thread-safe: runs report from their own threads.
 */
public final class RowCoverage {
  /** The registry of this test JVM (surefire runs every unit test class in one JVM). */
  public static final RowCoverage SUITE = new RowCoverage();

  /** One (from status, trigger) pair that the engine or a client went through. */
  public record Visit(Status from, Trigger trigger) {}

  private final Set<Visit> visits = ConcurrentHashMap.newKeySet();
  private final Set<String> reporters = new ConcurrentSkipListSet<>();

  /** Records that an instance in {@code from} met {@code trigger} (a move or a no-op). */
  public void visited(Status from, Trigger trigger) {
    visits.add(new Visit(from, trigger));
  }

  /** Records every move of a status history; the creation row (from nothing) is not a row. */
  public void visitedHistory(List<StatusChange> history) {
    for (StatusChange change : history) {
      if (change.from() != null) {
        visited(change.from(), StatusHistories.triggerFor(change.trigger()));
      }
    }
  }

  /** Notes which test class reported, so that a failing gate can say what ran. */
  public void reportedBy(String testClass) {
    reporters.add(testClass);
  }

  public Set<Visit> visits() {
    return Set.copyOf(visits);
  }

  public Set<String> reporters() {
    return Set.copyOf(reporters);
  }

  /** The rows of {@code table} that nothing visited, in the table's declaration order. */
  public List<TransitionTable.Row> unvisited(TransitionTable table) {
    return table.rows().stream()
        .filter(row -> !visits.contains(new Visit(row.from(), row.trigger())))
        .toList();
  }

  /**
   * Why the gate fails, or empty when every row was visited: the unvisited rows one a line, which
   * tests reported, and what to do.
   */
  public String report(TransitionTable table) {
    List<TransitionTable.Row> missing = unvisited(table);
    if (missing.isEmpty()) {
      return "";
    }
    String rows =
        missing.stream().map(row -> "  " + describe(row)).collect(Collectors.joining("\n"));
    String counted =
        missing.size()
            + " of "
            + table.rows().size()
            + " rows of the transition table were exercised by no scenario in this test run:\n";
    if (reporters.isEmpty()) {
      return "No scenario reported to the row coverage in this JVM: the gate ran without the"
          + " scenarios. Run it with the whole unit suite (mvn test), which runs every scenario"
          + " class before the gate.\n"
          + counted
          + rows;
    }
    return counted
        + rows
        + "\nScenario classes that ran: "
        + String.join(", ", reporters)
        + ".\nAdd a scenario (src/test/java/dev/stepflow/scenarios) that drives an instance"
        + " through each row above with EngineHarness, or, if only some scenario classes were"
        + " selected, run the gate with the whole suite.";
  }

  /** A row as the gate names it: "(PAUSED, resume) -> QUEUED" or "(PAUSED, pause) no-op". */
  public static String describe(TransitionTable.Row row) {
    String key = "(" + row.from() + ", " + row.trigger().label() + ")";
    return row.noOp() ? key + " no-op" : key + " -> " + row.to();
  }
}
