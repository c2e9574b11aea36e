package dev.stepflow.bench.dbos;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.workflow.Workflow;

/**
 * Three no-op steps, each run through {@link DBOS#runStep}, so DBOS checkpoints each one (a row of
 * its step outputs table, committed before the next step starts), as Stepflow checkpoints each
 * {@code step.do}.
 */
final class NoOpThreeSteps implements ThreeSteps {
  private final DBOS dbos;

  NoOpThreeSteps(DBOS dbos) {
    this.dbos = dbos;
  }

  @Workflow(name = "threeSteps")
  @Override
  public String run() {
    String a = dbos.runStep(() -> "a", "a");
    String b = dbos.runStep(() -> "b", "b");
    String c = dbos.runStep(() -> "c", "c");
    return a + b + c;
  }
}
