package dev.stepflow.domain;

/** A restart from a step the instance's current run never recorded: 409, CANNOT_RESTART. */
public final class StepNotInHistory extends WorkflowException {

  public StepNotInHistory(InstanceRef instance, StepRef step) {
    super(
        ErrorCode.CANNOT_RESTART,
        "Step '"
            + step.name()
            + "' (type "
            + WireNames.stepKind(step.kind())
            + ", occurrence "
            + step.count()
            + ") not found in the execution history of instance '"
            + instance.instanceId()
            + "'. Restart without 'from' to run every step again.");
  }
}
