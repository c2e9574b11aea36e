package dev.stepflow.domain;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when the table rejects a client action for the instance's current status. Carries the
 * current status and the actions that are allowed instead; answers 409 with the action's own code.
 */
public final class TransitionRejected extends WorkflowException {
  private final InstanceRef instance;
  private final Status current;
  private final Action action;
  private final List<Action> allowedActions;

  public TransitionRejected(
      InstanceRef instance, Status current, Action action, List<Action> allowedActions) {
    super(action.rejectedWith(), message(instance, current, action, allowedActions));
    this.instance = instance;
    this.current = current;
    this.action = action;
    this.allowedActions = List.copyOf(allowedActions);
  }

  private static String message(
      InstanceRef instance, Status current, Action action, List<Action> allowed) {
    String allowedText =
        allowed.isEmpty()
            ? "none until the current work finishes"
            : allowed.stream().map(Action::label).collect(Collectors.joining(", "));
    return "Cannot "
        + action.label()
        + " instance '"
        + instance.instanceId()
        + "': it is "
        + WireNames.status(current)
        + ". Allowed actions: "
        + allowedText
        + ".";
  }

  public InstanceRef instance() {
    return instance;
  }

  public Status current() {
    return current;
  }

  public Action action() {
    return action;
  }

  public List<Action> allowedActions() {
    return allowedActions;
  }
}
