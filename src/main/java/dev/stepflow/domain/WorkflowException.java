package dev.stepflow.domain;

import java.util.List;

/**
 * The one family of failures that cross layers. Each carries one or more {@link Problem}s; the http
 * layer turns them into the v4 error envelope by {@link ErrorKind}. Anything else that escapes is a
 * bug and answers 500.
 */
public class WorkflowException extends RuntimeException {
  private final List<Problem> problems;

  public WorkflowException(ErrorCode code, String message) {
    this(List.of(new Problem(code, message)));
  }

  public WorkflowException(List<Problem> problems) {
    super(problems.getFirst().message());
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  /** The kind of the first problem; a batch failure groups problems of one kind. */
  public ErrorKind kind() {
    return problems.getFirst().code().kind();
  }

  public static WorkflowException invalid(String message) {
    return new WorkflowException(ErrorCode.INVALID, message);
  }

  public static WorkflowException workflowNotFound(String accountId, String workflowName) {
    return new WorkflowException(
        ErrorCode.WORKFLOW_NOT_FOUND,
        "Workflow '" + workflowName + "' does not exist in account '" + accountId + "'.");
  }

  public static WorkflowException instanceNotFound(InstanceRef ref) {
    return new WorkflowException(
        ErrorCode.INSTANCE_NOT_FOUND,
        "Instance '"
            + ref.instanceId()
            + "' of workflow '"
            + ref.workflowName()
            + "' does not exist.");
  }

  public static WorkflowException bulkJobNotFound(WorkflowRef workflow, String jobId) {
    return new WorkflowException(
        ErrorCode.BULK_JOB_NOT_FOUND,
        "Bulk job '"
            + jobId
            + "' does not exist for workflow '"
            + workflow.workflowName()
            + "' of account '"
            + workflow.accountId()
            + "'.");
  }

  public static WorkflowException payloadTooLarge(String what, long size, long limit) {
    return new WorkflowException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        what + " is " + size + " bytes; the limit is " + limit + " bytes.");
  }
}
