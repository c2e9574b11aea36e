package dev.stepflow.engine.service;

import dev.stepflow.domain.Account;
import dev.stepflow.domain.DeletionRefused;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.Workflow;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.domain.WorkflowVersion;
import dev.stepflow.engine.runtime.CronExpressions;
import dev.stepflow.engine.runtime.EngineHooks;
import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.store.WorkflowStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Workflows and their versions: binding a name to a workflow class, listing, deleting. */
public final class WorkflowService {
  private final WorkflowStore store;
  private final Clock clock;
  private final WorkflowRegistry registry;
  private final EngineHooks engine;

  public WorkflowService(
      WorkflowStore store, Clock clock, WorkflowRegistry registry, EngineHooks engine) {
    this.store = store;
    this.clock = clock;
    this.registry = registry;
    this.engine = engine;
  }

  /**
   * A workflow with the number of its instances in each status, and its newest version's cron
   * schedules with their next tick.
   */
  public record WorkflowWithCounts(
      Workflow workflow, Map<Status, Long> instanceCounts, List<ScheduleState> schedules) {}

  /** A cron schedule and the next tick at which it creates an instance (null: never again). */
  public record ScheduleState(String cron, Instant nextInstance) {}

  /** Creates or updates the workflow and records a new version; returns the stored workflow. */
  public Workflow put(WorkflowRef ref, WorkflowDefinition definition) {
    if (definition.stepLimit() < 1 || definition.stepLimit() > WorkflowDefinition.MAX_STEP_LIMIT) {
      throw WorkflowException.invalid(
          "limits.steps must be between 1 and "
              + WorkflowDefinition.MAX_STEP_LIMIT
              + " (got "
              + definition.stepLimit()
              + ").");
    }
    if (!registry.contains(definition.className())) {
      throw WorkflowException.invalid(
          "class_name '"
              + definition.className()
              + "' names no registered workflow class; registered: "
              + String.join(", ", registry.names())
              + ".");
    }
    requireValidSchedules(definition.schedules());
    store.putWorkflow(ref, definition, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    return require(ref);
  }

  /** Every expression parses as Cloudflare cron, and none appears twice (they name instances). */
  private static void requireValidSchedules(List<String> crons) {
    if (crons.size() > WorkflowDefinition.MAX_SCHEDULES) {
      throw WorkflowException.invalid(
          "schedules holds at most "
              + WorkflowDefinition.MAX_SCHEDULES
              + " items (got "
              + crons.size()
              + ").");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < crons.size(); i++) {
      String cron = crons.get(i);
      try {
        CronExpressions.parse(cron);
      } catch (CronExpressions.Invalid e) {
        throw WorkflowException.invalid(
            "schedules["
                + i
                + "].cron '"
                + cron
                + "' is not a valid cron expression: "
                + e.getMessage()
                + ". Use 5 fields in UTC, e.g. '*/5 * * * *'.");
      }
      if (!seen.add(cron)) {
        throw WorkflowException.invalid(
            "schedules["
                + i
                + "].cron '"
                + cron
                + "' appears twice; each schedule's ticks name"
                + " their instances by the expression, so list it once.");
      }
    }
  }

  public WorkflowWithCounts get(WorkflowRef ref) {
    return withCounts(require(ref));
  }

  private WorkflowWithCounts withCounts(Workflow workflow) {
    Instant now = clock.instant();
    List<ScheduleState> schedules = new ArrayList<>();
    for (String cron : store.schedules(workflow.versionId())) {
      try {
        schedules.add(
            new ScheduleState(cron, CronExpressions.parse(cron).nextAfter(now).orElse(null)));
      } catch (CronExpressions.Invalid notStoredSinceValidatedOnPut) {
        // a later cron syntax could refuse what an older one stored: show it, with no next tick
        schedules.add(new ScheduleState(cron, null));
      }
    }
    return new WorkflowWithCounts(workflow, store.countInstances(workflow.ref()), schedules);
  }

  public Page<WorkflowWithCounts> list(
      String accountId, Optional<String> search, int page, int perPage) {
    Page<Workflow> found =
        store.listWorkflows(accountId, search, (long) (page - 1) * perPage, perPage);
    return new Page<>(
        found.items().stream().map(this::withCounts).toList(), found.totalCount(), null);
  }

  /**
   * Deletes the workflow with its versions and instances, and stops their runs; refused with
   * nothing deleted while any instance is in a status the transition table refuses deletion in.
   */
  public void delete(WorkflowRef ref) {
    WorkflowStore.Deletion deletion =
        store.deleteWorkflow(ref, Transitions.TABLE.deletableStatuses());
    if (!deletion.found()) {
      throw WorkflowException.workflowNotFound(ref.accountId(), ref.workflowName());
    }
    if (!deletion.deleted()) {
      throw DeletionRefused.ofWorkflow(
          ref,
          deletion.held().stream()
              .map(
                  held ->
                      new DeletionRefused.Blocking(
                          held.instanceId(),
                          held.status(),
                          Transitions.TABLE.nextStatuses(held.status())))
              .toList(),
          deletion.heldCount());
    }
    engine.deleted(instance -> instance.workflow().equals(ref));
  }

  public Page<WorkflowVersion> versions(WorkflowRef ref, int page, int perPage) {
    require(ref);
    return store.listVersions(ref, (long) (page - 1) * perPage, perPage);
  }

  public WorkflowVersion version(WorkflowRef ref, String versionId) {
    require(ref);
    return store
        .findVersion(ref, versionId)
        .orElseThrow(
            () ->
                new WorkflowException(
                    dev.stepflow.domain.ErrorCode.WORKFLOW_NOT_FOUND,
                    "Version '"
                        + versionId
                        + "' of workflow '"
                        + ref.workflowName()
                        + "' does not exist."));
  }

  public Page<Account> accounts(int page, int perPage) {
    return store.listAccounts((long) (page - 1) * perPage, perPage);
  }

  /** The account, if a workflow was ever created in it and one still exists. */
  public Optional<Account> account(String accountId) {
    return store.findAccount(accountId);
  }

  private Workflow require(WorkflowRef ref) {
    return store
        .findWorkflow(ref)
        .orElseThrow(() -> WorkflowException.workflowNotFound(ref.accountId(), ref.workflowName()));
  }
}
