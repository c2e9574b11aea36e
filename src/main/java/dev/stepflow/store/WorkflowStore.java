package dev.stepflow.store;

import dev.stepflow.domain.Account;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Workflow;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.domain.WorkflowVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence of workflows and their versions. Every write is acknowledged only after it committed.
 */
public interface WorkflowStore {

  /** Creates the workflow or updates it, and always records a new version, which it returns. */
  WorkflowVersion putWorkflow(WorkflowRef ref, WorkflowDefinition definition, Instant now);

  Optional<Workflow> findWorkflow(WorkflowRef ref);

  /** The cron expressions of the version's schedules, in the order of its PUT. */
  List<String> schedules(String versionId);

  /** Workflows of an account by name; {@code nameContains} filters when present. */
  Page<Workflow> listWorkflows(
      String accountId, Optional<String> nameContains, long offset, int limit);

  /** An instance whose status kept its workflow from being deleted. */
  record HeldInstance(String instanceId, Status status) {}

  /**
   * What {@link #deleteWorkflow} did. {@code found} is false when there is no such workflow; {@code
   * held} names the first few instances (of {@code heldCount}) whose status refused deletion, and
   * is empty when the workflow was deleted.
   */
  record Deletion(boolean found, List<HeldInstance> held, long heldCount) {
    public Deletion {
      held = List.copyOf(held);
    }

    public boolean deleted() {
      return found && held.isEmpty();
    }
  }

  /**
   * Deletes the workflow, its versions and its instances with all their state, in one write
   * transaction, if every instance's status is one of {@code deletableStatuses}; otherwise deletes
   * nothing and names the instances that held it.
   */
  Deletion deleteWorkflow(WorkflowRef ref, Set<Status> deletableStatuses);

  /**
   * How many instances of the workflow are in each status (statuses with none are absent), from the
   * kept counts: never a scan of the instances.
   */
  Map<Status, Long> countInstances(WorkflowRef ref);

  /**
   * The kept instance counts (never a scan of the instances) by workflow name, summed over the
   * accounts, for the first {@code maxNames} names in name order; statuses with none are absent.
   */
  Map<String, Map<Status, Long>> keptCountsByWorkflowName(int maxNames);

  /** Versions newest first. */
  Page<WorkflowVersion> listVersions(WorkflowRef ref, long offset, int limit);

  Optional<WorkflowVersion> findVersion(WorkflowRef ref, String versionId);

  /** Accounts that have at least one workflow, oldest first. */
  Page<Account> listAccounts(long offset, int limit);

  /** The account, if it has at least one workflow. */
  Optional<Account> findAccount(String accountId);
}
