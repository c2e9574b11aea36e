package dev.stepflow.engine.service;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.InstanceStore;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background jobs that terminate every instance of a workflow (optionally only those in one
 * status), one at a time through {@link InstanceControl}, so each termination follows the table and
 * is recorded. At most one job runs per workflow on this node. Jobs live in this process: one cut
 * short by a crash is not resumed, and the client runs terminate-all again. Nodes sharing a store
 * do not know each other's jobs; two jobs on one workflow at once are safe, as each termination is
 * a compare-and-set that only one of them wins.
 */
public final class TerminateAllJobs {
  private static final Logger log = LoggerFactory.getLogger(TerminateAllJobs.class);
  private static final int PAGE = 100;

  private final InstanceStore instances;
  private final InstanceControl control;
  private final Set<WorkflowRef> running = ConcurrentHashMap.newKeySet();

  public TerminateAllJobs(InstanceStore instances, InstanceControl control) {
    this.instances = instances;
    this.control = control;
  }

  /** Starts a job; false when one is already running for this workflow. */
  public boolean start(WorkflowRef workflow, Optional<Status> only, ChangeOrigin origin) {
    if (!running.add(workflow)) {
      return false;
    }
    Thread.ofVirtual()
        .name("terminate-all-" + workflow.workflowName())
        .start(
            () -> {
              try {
                int terminated = terminateAll(workflow, only, origin);
                log.info(
                    "Terminate-all for workflow '{}' of account '{}' terminated {}",
                    workflow.workflowName(),
                    workflow.accountId(),
                    terminated == 1 ? "1 instance" : terminated + " instances");
              } catch (RuntimeException e) {
                log.error(
                    "Terminate-all for workflow '{}' of account '{}' stopped early",
                    workflow.workflowName(),
                    workflow.accountId(),
                    e);
              } finally {
                running.remove(workflow);
              }
            });
    return true;
  }

  public boolean isRunning(WorkflowRef workflow) {
    return running.contains(workflow);
  }

  private int terminateAll(WorkflowRef workflow, Optional<Status> only, ChangeOrigin origin) {
    int terminated = 0;
    Optional<Long> after = Optional.empty();
    while (true) {
      Page<Instance> page =
          instances.listInstances(
              new InstanceQuery(
                  workflow, only, Optional.empty(), Optional.empty(), true, after, 0, PAGE));
      for (Instance instance : page.items()) {
        if (control.applyIfAllowed(instance.ref(), Action.TERMINATE, origin)) {
          terminated++;
        }
      }
      if (page.nextCursor() == null) {
        return terminated;
      }
      after = Optional.of(page.items().getLast().seq());
    }
  }
}
