package dev.stepflow.domain;

/** Names one workflow of one account. */
public record WorkflowRef(String accountId, String workflowName) {

  public InstanceRef instance(String instanceId) {
    return new InstanceRef(accountId, workflowName, instanceId);
  }
}
