package dev.stepflow.workflow;

/**
 * Workflow code. Stepflow calls {@link #run} from the top every time the instance resumes (after a
 * sleep, an event wait, a retry backoff, a pause or a crash); steps that already finished return
 * their recorded result without running again, so {@code run} must reach the same steps in the same
 * order for the same recorded results. The value returned becomes the instance's output (any
 * JSON-mappable value, or null).
 *
 * <p>Register implementations with the engine by name; a workflow's {@code class_name} (PUT
 * .../workflows/{name}) selects one.
 */
@FunctionalInterface
public interface Workflow {
  Object run(WorkflowEvent event, Step step) throws Exception;
}
