package dev.stepflow.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A create refused because instances with some of its ids exist in the workflow already: one
 * ALREADY_EXISTS problem per id in use, by item index when the batch has several.
 */
public final class InstanceIdsInUse extends WorkflowException {

  public InstanceIdsInUse(
      WorkflowRef workflow, List<String> requestedIds, Collection<String> inUse) {
    super(problems(workflow, requestedIds, inUse));
  }

  private static List<Problem> problems(
      WorkflowRef workflow, List<String> requestedIds, Collection<String> inUse) {
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < requestedIds.size(); i++) {
      String id = requestedIds.get(i);
      if (inUse.contains(id)) {
        String where = requestedIds.size() > 1 ? "Item " + i + ": i" : "I";
        problems.add(
            new Problem(
                ErrorCode.ALREADY_EXISTS,
                where
                    + "nstance '"
                    + id
                    + "' already exists in workflow '"
                    + workflow.workflowName()
                    + "'; instance ids must be unique within a workflow."));
      }
    }
    return problems;
  }
}
