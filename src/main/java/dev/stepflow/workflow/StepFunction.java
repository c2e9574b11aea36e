package dev.stepflow.workflow;

/** The body of a step: its result (any JSON-mappable value) is recorded once it succeeds. */
@FunctionalInterface
public interface StepFunction {
  Object call(StepContext context) throws Exception;
}
