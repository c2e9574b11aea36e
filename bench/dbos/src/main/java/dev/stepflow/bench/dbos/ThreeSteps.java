package dev.stepflow.bench.dbos;

/** The benchmark's workflow: three no-op steps, as Stepflow's {@code Scripted} runs them. */
public interface ThreeSteps {
  /** Runs steps a, b and c; returns their outputs joined ("abc"). */
  String run();
}
