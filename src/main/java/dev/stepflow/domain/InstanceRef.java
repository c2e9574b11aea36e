package dev.stepflow.domain;

/** Names one instance: ids are unique per workflow, workflows per account. */
public record InstanceRef(String accountId, String workflowName, String instanceId) {

  public WorkflowRef workflow() {
    return new WorkflowRef(accountId, workflowName);
  }

  /** How logs name it: {@code instance 'r4' of workflow 'busy' in account 'racing'}. */
  @Override
  public String toString() {
    return "instance '"
        + instanceId
        + "' of workflow '"
        + workflowName
        + "' in account '"
        + accountId
        + "'";
  }
}
