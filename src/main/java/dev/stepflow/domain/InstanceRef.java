package dev.stepflow.domain;

/** Names one instance: ids are unique per workflow, workflows per account. */
public record InstanceRef(String accountId, String workflowName, String instanceId) {

  public WorkflowRef workflow() {
    return new WorkflowRef(accountId, workflowName);
  }
}
