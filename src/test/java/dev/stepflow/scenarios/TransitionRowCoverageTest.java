package dev.stepflow.scenarios;

import static org.assertj.core.api.Assertions.fail;

import dev.stepflow.domain.Transitions;
import dev.stepflow.testing.RowCoverage;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The row coverage gate (STYLE.md section 6.2): fails when a row of the transition table, a client
 * action's move or no-op or an engine event's move, was exercised by no scenario of this test run,
 * and names every such row. The scenarios report what they exercised to {@link RowCoverage#SUITE}
 * through their {@link dev.stepflow.testing.EngineHarness}; this class runs after every other test
 * class of the run (junit-platform.properties orders classes by {@link Order}, and surefire runs
 * them all in one JVM and one launcher). Run on its own, it fails and says so.
 */
@Order(Integer.MAX_VALUE)
class TransitionRowCoverageTest {

  @Test
  void everyRowOfTheTransitionTableIsExercisedByAScenario() {
    String report = RowCoverage.SUITE.report(Transitions.TABLE);
    if (!report.isEmpty()) {
      fail(report);
    }
  }
}
