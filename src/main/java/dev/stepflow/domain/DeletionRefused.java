package dev.stepflow.domain;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when DELETE meets an instance in a status the transition table refuses deletion in ({@link
 * TransitionTable#allowsDeletion}), directly or through the deletion of its workflow. Answers 409
 * (10408); nothing was deleted. Carries the instances that stood in the way, with their statuses.
 */
public final class DeletionRefused extends WorkflowException {
  /** An instance whose status refuses deletion, and where the table says it goes next. */
  public record Blocking(String instanceId, Status status, List<Status> next) {
    public Blocking {
      next = List.copyOf(next);
    }
  }

  private final WorkflowRef workflow;
  private final List<Blocking> blocking;
  private final long blockingCount;

  private DeletionRefused(
      WorkflowRef workflow, List<Blocking> blocking, long blockingCount, String message) {
    super(ErrorCode.CANNOT_DELETE, message);
    this.workflow = workflow;
    this.blocking = List.copyOf(blocking);
    this.blockingCount = blockingCount;
  }

  /** DELETE of one instance (also one item of a batch delete). */
  public static DeletionRefused ofInstance(
      InstanceRef instance, Status current, List<Status> next) {
    return new DeletionRefused(
        instance.workflow(),
        List.of(new Blocking(instance.instanceId(), current, next)),
        1,
        "Cannot delete instance '"
            + instance.instanceId()
            + "': it is "
            + WireNames.status(current)
            + ", and deleting it now would stop that work half-way. It becomes "
            + either(next)
            + " by itself; delete it then.");
  }

  /**
   * DELETE of a workflow with {@code count} instances that refuse deletion, of which {@code
   * blocking} are named (a few suffice).
   */
  public static DeletionRefused ofWorkflow(
      WorkflowRef workflow, List<Blocking> blocking, long count) {
    String named =
        blocking.stream()
            .map(b -> "'" + b.instanceId() + "' (" + WireNames.status(b.status()) + ")")
            .collect(Collectors.joining(", "));
    String more = count > blocking.size() ? " and " + (count - blocking.size()) + " more" : "";
    List<Status> next = blocking.stream().flatMap(b -> b.next().stream()).distinct().toList();
    return new DeletionRefused(
        workflow,
        blocking,
        count,
        "Cannot delete workflow '"
            + workflow.workflowName()
            + "': deleting it deletes its instances, and "
            + count
            + (count == 1 ? " of them is" : " of them are")
            + " in the middle of work that must not be stopped half-way: "
            + named
            + more
            + (count == 1 ? ". It becomes " : ". They become ")
            + either(next)
            + (count == 1 ? " by itself" : " by themselves")
            + "; delete the workflow then.");
  }

  private static String either(List<Status> statuses) {
    List<String> names = statuses.stream().map(WireNames::status).toList();
    if (names.size() <= 1) {
      return String.join("", names);
    }
    return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
  }

  public WorkflowRef workflow() {
    return workflow;
  }

  /** The instances named in the message, in the order the store found them. */
  public List<Blocking> blocking() {
    return blocking;
  }

  /** How many instances refused deletion in all. */
  public long blockingCount() {
    return blockingCount;
  }
}
