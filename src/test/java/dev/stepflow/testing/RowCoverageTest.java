package dev.stepflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.TransitionTable;
import dev.stepflow.domain.Transitions;
import dev.stepflow.testing.RowCoverage.Visit;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate's own logic, on hand-made sets of visited rows (never the suite's registry). */
class RowCoverageTest {
  private static final TransitionTable TABLE = Transitions.TABLE;

  /** A registry that visited every row of the table except {@code left}. */
  private static RowCoverage everyRowBut(Status from, Action left) {
    RowCoverage coverage = new RowCoverage();
    coverage.reportedBy("SomeScenariosTest");
    for (TransitionTable.Row row : TABLE.rows()) {
      if (!(row.from() == from && row.trigger() == left)) {
        coverage.visited(row.from(), row.trigger());
      }
    }
    return coverage;
  }

  @Test
  void aRowNoScenarioVisitedIsNamedExactlyAndAlone() {
    RowCoverage coverage = everyRowBut(Status.PAUSED, Action.RESUME);

    assertThat(coverage.unvisited(TABLE))
        .extracting(RowCoverage::describe)
        .containsExactly("(PAUSED, resume) -> QUEUED");
    String report = coverage.report(TABLE);
    assertThat(report.lines().filter(line -> line.startsWith("  ")))
        .containsExactly("  (PAUSED, resume) -> QUEUED");
    assertThat(report)
        .startsWith("1 of " + TABLE.rows().size() + " rows of the transition table")
        .contains("Scenario classes that ran: SomeScenariosTest.");
  }

  @Test
  void anUnvisitedNoOpRowIsNamedAsANoOp() {
    RowCoverage coverage = everyRowBut(Status.WAITING_FOR_PAUSE, Action.PAUSE);

    assertThat(coverage.unvisited(TABLE))
        .extracting(RowCoverage::describe)
        .containsExactly("(WAITING_FOR_PAUSE, pause) no-op");
  }

  @Test
  void theReportIsEmptyWhenEveryRowWasVisited() {
    RowCoverage coverage = new RowCoverage();
    TABLE.rows().forEach(row -> coverage.visited(row.from(), row.trigger()));

    assertThat(coverage.unvisited(TABLE)).isEmpty();
    assertThat(coverage.report(TABLE)).isEmpty();
  }

  @Test
  void movesAreReadFromAStatusHistoryWhoseCreationRowIsNoRow() {
    Instant at = Instant.parse("2030-01-01T00:00:00Z");
    RowCoverage coverage = new RowCoverage();

    coverage.visitedHistory(
        List.of(
            new StatusChange(null, Status.QUEUED, "create", "api", at, false),
            new StatusChange(Status.QUEUED, Status.RUNNING, "RUN_STARTED", "engine", at, false),
            new StatusChange(
                Status.RUNNING, Status.ROLLING_BACK, "terminate+rollback", "api", at, true)));

    assertThat(coverage.visits())
        .containsExactlyInAnyOrder(
            new Visit(Status.QUEUED, EngineEvent.RUN_STARTED),
            new Visit(Status.RUNNING, Action.TERMINATE_WITH_ROLLBACK));
  }

  @Test
  void aGateThatRanWithoutAnyScenarioSaysToRunItWithTheSuite() {
    String report = new RowCoverage().report(TABLE);

    assertThat(report)
        .startsWith("No scenario reported to the row coverage in this JVM")
        .contains("Run it with the whole unit suite (mvn test)")
        .contains(TABLE.rows().size() + " of " + TABLE.rows().size() + " rows");
  }
}
