package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.InstanceStatusApi;
import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.api.model.PauseRequest;
import dev.stepflow.api.model.RestartFrom;
import dev.stepflow.api.model.RestartRequest;
import dev.stepflow.api.model.ResumeRequest;
import dev.stepflow.api.model.StatusChangeRequest;
import dev.stepflow.api.model.StatusChangeResponse;
import dev.stepflow.api.model.StatusChangeResult;
import dev.stepflow.api.model.StepType;
import dev.stepflow.api.model.TerminateRequest;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.engine.service.InstanceControl;
import dev.stepflow.engine.service.StatusOutcome;
import jakarta.ws.rs.core.Context;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.glassfish.jersey.internal.PropertiesDelegate;

/**
 * PATCH .../status, the seed endpoint: maps the body variant to an {@link Action} and hands it to
 * {@link InstanceControl}. Members that belong to another variant ({@code rollback} outside
 * terminate, {@code from} outside restart) never reach here: the generated variants do not declare
 * them, so Jackson refuses them with a 400.
 */
public final class InstanceStatusResource implements InstanceStatusApi {
  @Context private PropertiesDelegate request;

  private final InstanceControl control;

  public InstanceStatusResource(InstanceControl control) {
    this.control = control;
  }

  @Override
  public StatusChangeResponse changeInstanceStatus(
      String accountId,
      String workflowName,
      String instanceId,
      String reason,
      String idempotencyKey,
      String ifMatch,
      StatusChangeRequest body) {
    if (body == null) {
      throw WorkflowException.invalid(
          "The body needs a 'status': one of pause, resume, terminate, restart.");
    }
    InstanceRef ref = new InstanceRef(accountId, workflowName, instanceId);
    Action action = action(body);
    AuditTrail.action(request, "instance." + action.label());
    StatusOutcome outcome =
        control.apply(
            ref,
            action,
            restartFrom(body),
            ControlCalls.origin(request),
            Preconditions.of(ifMatch, ifStatus(body)));
    EntityTags.tag(request, outcome.etag());
    return new StatusChangeResponse(
        NONE,
        NONE,
        new StatusChangeResult(WireMapper.status(outcome.status()), WireMapper.time(outcome.at())),
        true);
  }

  private static Action action(StatusChangeRequest body) {
    return switch (body) {
      case PauseRequest p -> Action.PAUSE;
      case ResumeRequest r -> Action.RESUME;
      case TerminateRequest t ->
          Boolean.TRUE.equals(t.getRollback()) ? Action.TERMINATE_WITH_ROLLBACK : Action.TERMINATE;
      case RestartRequest r -> Action.RESTART;
    };
  }

  private static List<InstanceStatus> ifStatus(StatusChangeRequest body) {
    return switch (body) {
      case PauseRequest p -> p.getIfStatus();
      case ResumeRequest r -> r.getIfStatus();
      case TerminateRequest t -> t.getIfStatus();
      case RestartRequest r -> r.getIfStatus();
    };
  }

  private static Optional<StepRef> restartFrom(StatusChangeRequest body) {
    if (!(body instanceof RestartRequest restart) || restart.getFrom() == null) {
      return Optional.empty();
    }
    return Optional.of(stepRef(restart.getFrom(), "from"));
  }

  /** The step a restart starts from; {@code member} names the body's member in messages. */
  static StepRef stepRef(RestartFrom from, String member) {
    return new StepRef(stepKind(from), from.getName(), count(from.getCount(), member));
  }

  /** As the spec says: a step type of {@code do} unless given, as a wire name. */
  static RestartFrom wire(StepRef step) {
    RestartFrom from = new RestartFrom(step.name()).count(BigDecimal.valueOf(step.count()));
    return from.type(
        switch (step.kind()) {
          case DO, ROLLBACK -> StepType.DO;
          case SLEEP -> StepType.SLEEP;
          case WAIT_FOR_EVENT -> StepType.WAIT_FOR_EVENT;
        });
  }

  private static StepKind stepKind(RestartFrom from) {
    if (from.getType() == null) {
      return StepKind.DO;
    }
    return switch (from.getType()) {
      case DO -> StepKind.DO;
      case SLEEP -> StepKind.SLEEP;
      case WAIT_FOR_EVENT -> StepKind.WAIT_FOR_EVENT;
    };
  }

  /** The spec types count as a number; only whole numbers name an occurrence. */
  private static int count(BigDecimal count, String member) {
    if (count == null) {
      return 1;
    }
    try {
      return count.intValueExact();
    } catch (ArithmeticException notWhole) {
      throw WorkflowException.invalid(
          "'" + member + ".count' must be a whole number of at least 1 (got " + count + ").");
    }
  }
}
