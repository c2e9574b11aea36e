package dev.stepflow.workflow;

/**
 * One branch of {@link Step#all}: a step as {@link Step#run} takes it (name, config, function and
 * an optional rollback handler with its config). Each branch is a step of its own: it is
 * checkpointed on its own, and its identity (name, count) is given in the order the branches are
 * listed, so it is the same on every replay whichever branch finishes first.
 */
public record Branch(
    String name, StepConfig config, StepFunction fn, Rollback rollback, StepConfig rollbackConfig) {

  /** A branch with the default config and no rollback handler. */
  public static Branch of(String name, StepFunction fn) {
    return new Branch(name, StepConfig.DEFAULT, fn, null, null);
  }

  /** A branch with {@code config} and no rollback handler. */
  public static Branch of(String name, StepConfig config, StepFunction fn) {
    return new Branch(name, config, fn, null, null);
  }

  /** The same branch with {@code rollback}, run with {@code rollbackConfig} when compensating. */
  public Branch withRollback(Rollback rollback, StepConfig rollbackConfig) {
    return new Branch(name, config, fn, rollback, rollbackConfig);
  }
}
