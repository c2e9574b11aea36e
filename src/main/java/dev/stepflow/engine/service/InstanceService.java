package dev.stepflow.engine.service;

import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.DeletionRefused;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Limits;
import dev.stepflow.domain.LoggedStep;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Problem;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.domain.WorkflowVersion;
import dev.stepflow.engine.runtime.EngineHooks;
import dev.stepflow.store.BulkItemReceipt;
import dev.stepflow.store.InstanceStore;
import dev.stepflow.store.NodeStore;
import dev.stepflow.store.WorkflowStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Creating, reading, listing and deleting instances, and delivering events to them. Status changes
 * go through {@link InstanceControl}, never through here.
 */
public final class InstanceService {
  /** Statuses in which an instance still runs and so may still consume an event. */
  private static final EnumSet<Status> ACCEPTING_EVENTS =
      EnumSet.copyOf(Arrays.stream(Status.values()).filter(s -> !s.isTerminal()).toList());

  /** Statuses in which DELETE may remove an instance: the transition table's rule. */
  private static final Set<Status> DELETABLE = Transitions.TABLE.deletableStatuses();

  private final InstanceStore instances;
  private final WorkflowStore workflows;
  private final Clock clock;
  private final EngineHooks engine;
  private final CreationRateLimiter creationRate;
  private final NodeStore nodes;

  public InstanceService(
      InstanceStore instances,
      WorkflowStore workflows,
      NodeStore nodes,
      Clock clock,
      EngineHooks engine,
      CreationRateLimiter creationRate) {
    this.instances = instances;
    this.workflows = workflows;
    this.nodes = nodes;
    this.clock = clock;
    this.engine = engine;
    this.creationRate = creationRate;
  }

  /**
   * An instance with its step log (outputs cut to a preview, see {@link LoggedStep}) and status
   * history, for GET instance; {@code unavailableClass} names its workflow class when the instance
   * needs it to go on and no live node has it.
   */
  public record Details(
      Instance instance,
      List<LoggedStep> steps,
      List<StatusChange> history,
      Optional<String> unavailableClass) {}

  public Details details(InstanceRef ref) {
    Instance instance = get(ref);
    return new Details(
        instance, instances.stepLog(ref), instances.history(ref), unavailableClass(instance));
  }

  /** The instance's workflow class, if it needs one to go on and no live node runs it. */
  private Optional<String> unavailableClass(Instance instance) {
    if (!instance.status().needsWorkflowCode()) {
      return Optional.empty();
    }
    return workflows
        .findVersion(instance.ref().workflow(), instance.versionId())
        .map(WorkflowVersion::className)
        .filter(className -> !nodes.liveNodeRuns(className, now()));
  }

  /**
   * A request to create one instance: {@code instanceId} null means "generate one", {@code
   * onFailure} null "its version's".
   */
  public record CreateRequest(
      String instanceId, String paramsJson, Retention retention, FailurePolicy onFailure) {
    public CreateRequest(String instanceId, String paramsJson, Retention retention) {
      this(instanceId, paramsJson, retention, null);
    }
  }

  /** Creates all instances or none; problems are reported per item, by index for a batch. */
  public List<Instance> create(
      WorkflowRef workflow, List<CreateRequest> requests, ChangeOrigin origin) {
    Limits.requireBatchSize("instances to create", requests.size());
    List<NewInstance> items = new ArrayList<>(requests.size());
    List<Problem> problems = new ArrayList<>();
    Map<String, Integer> firstIndexOfId = new HashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      CreateRequest request = requests.get(i);
      String prefix = requests.size() > 1 ? "Item " + i + ": " : "";
      String id =
          request.instanceId() == null ? UUID.randomUUID().toString() : request.instanceId();
      Limits.requirePayloadSize(prefix + "params", request.paramsJson());
      if (Limits.isReservedInstanceId(id)) {
        problems.add(
            new Problem(
                ErrorCode.INVALID,
                prefix
                    + "instance_id '"
                    + id
                    + "' is reserved: ids of 'cf_' followed by 64 lowercase hex characters are"
                    + " generated by the system."));
      }
      Integer earlier = firstIndexOfId.putIfAbsent(id, i);
      if (earlier != null) {
        problems.add(
            new Problem(
                ErrorCode.DUPLICATE_IN_BATCH,
                prefix
                    + "instance_id '"
                    + id
                    + "' also appears at item "
                    + earlier
                    + "; ids must be unique within a batch."));
      }
      items.add(
          new NewInstance(
              id, request.paramsJson(), request.retention(), request.onFailure(), null));
    }
    if (!problems.isEmpty()) {
      throw new WorkflowException(problems);
    }
    creationRate.acquire(workflow, items.size());
    List<Instance> created = instances.createInstances(workflow, items, origin, now());
    engine.workAvailable();
    return created;
  }

  /**
   * One page of the instance's status history, oldest first, after the cursor {@code after} (empty:
   * from its creation); INSTANCE_NOT_FOUND when it does not exist.
   */
  public Page<StatusChange> history(InstanceRef ref, Optional<Long> after, int size) {
    return instances
        .historyPage(ref, after, size)
        .orElseThrow(() -> WorkflowException.instanceNotFound(ref));
  }

  public Instance get(InstanceRef ref) {
    return instances.findInstance(ref).orElseThrow(() -> WorkflowException.instanceNotFound(ref));
  }

  public Page<Instance> list(InstanceQuery query) {
    requireWorkflow(query.workflow());
    return instances.listInstances(query);
  }

  /**
   * Deletes the instance and stops its run, unless the transition table refuses deletion in its
   * status (409, {@link DeletionRefused}).
   */
  public Instant delete(InstanceRef ref) {
    Optional<WorkflowException> refused = deleteOne(ref);
    if (refused.isPresent()) {
      throw refused.get();
    }
    return now();
  }

  /** Outcome of one id of a batch delete, in input order: deleted, or the error that refused it. */
  public record DeleteOutcome(String instanceId, Optional<ErrorCode> error) {}

  /** Deletes each id once; ids given twice report the same outcome at every position. */
  public List<DeleteOutcome> deleteAll(WorkflowRef workflow, List<String> ids) {
    Limits.requireBatchSize("instances to delete", ids.size());
    requireWorkflow(workflow);
    Map<String, Optional<ErrorCode>> done = new HashMap<>();
    List<DeleteOutcome> outcomes = new ArrayList<>(ids.size());
    for (String id : ids) {
      Optional<ErrorCode> error =
          done.computeIfAbsent(
              id,
              key -> deleteOne(workflow.instance(key)).map(e -> e.problems().getFirst().code()));
      outcomes.add(new DeleteOutcome(id, error));
    }
    return outcomes;
  }

  /**
   * Deletes one instance if the table allows it in its status, and stops its run; empty when it was
   * deleted, else the failure that says why not.
   */
  private Optional<WorkflowException> deleteOne(InstanceRef ref) {
    return deleteOne(ref, Optional.empty());
  }

  /**
   * Deletes one instance for a bulk job's item if the table allows it in its status, recording the
   * item as applied with the deletion ({@link BulkItemReceipt}); empty when it was deleted, else
   * the failure that says why not.
   */
  Optional<WorkflowException> deleteForItem(InstanceRef ref, BulkItemReceipt receipt) {
    return deleteOne(ref, Optional.of(receipt));
  }

  private Optional<WorkflowException> deleteOne(
      InstanceRef ref, Optional<BulkItemReceipt> receipt) {
    InstanceStore.Deletion deletion = instances.deleteInstance(ref, DELETABLE, receipt, now());
    return switch (deletion.result()) {
      case APPLIED -> {
        engine.deleted(ref::equals);
        yield Optional.empty();
      }
      case NOT_FOUND -> Optional.of(WorkflowException.instanceNotFound(ref));
      case NOT_CURRENT ->
          Optional.of(
              DeletionRefused.ofInstance(
                  ref, deletion.status(), Transitions.TABLE.nextStatuses(deletion.status())));
    };
  }

  /** Buffers an event for the next waitForEvent of its type; a finished instance refuses it. */
  public Instant sendEvent(InstanceRef ref, String type, String payloadJson) {
    Limits.requirePayloadSize("The event payload", payloadJson);
    Instant now = now();
    return switch (instances.bufferEvent(ref, type, payloadJson, now, ACCEPTING_EVENTS)) {
      case APPLIED -> {
        engine.workAvailable();
        yield now;
      }
      case NOT_FOUND -> throw WorkflowException.instanceNotFound(ref);
      case NOT_CURRENT ->
          throw new WorkflowException(
              ErrorCode.CANNOT_RECEIVE_EVENT,
              "Instance '"
                  + ref.instanceId()
                  + "' is "
                  + WireNames.status(get(ref).status())
                  + " and can no longer receive events; restart it first.");
    };
  }

  /** The recorded step, or STEP_NOT_FOUND. */
  public StepRecord step(InstanceRef ref, StepRef step) {
    get(ref);
    return instances
        .findStep(ref, step)
        .orElseThrow(
            () ->
                new WorkflowException(
                    ErrorCode.STEP_NOT_FOUND,
                    "Instance '"
                        + ref.instanceId()
                        + "' has no step '"
                        + step.displayName()
                        + "' of type "
                        + WireNames.stepKind(step.kind())
                        + "."));
  }

  private void requireWorkflow(WorkflowRef workflow) {
    if (workflows.findWorkflow(workflow).isEmpty()) {
      throw WorkflowException.workflowNotFound(workflow.accountId(), workflow.workflowName());
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
