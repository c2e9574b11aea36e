package dev.stepflow.http;

import static dev.stepflow.http.WireMapper.time;

import dev.stepflow.api.model.ErrorDetail;
import dev.stepflow.api.model.InstanceCreated;
import dev.stepflow.api.model.InstanceDetails;
import dev.stepflow.api.model.InstanceSchedule;
import dev.stepflow.api.model.InstanceSummary;
import dev.stepflow.api.model.InstanceTrigger;
import dev.stepflow.api.model.RollbackOutcome;
import dev.stepflow.api.model.StepAttempt;
import dev.stepflow.api.model.StepDetail;
import dev.stepflow.api.model.StepLogEntry;
import dev.stepflow.api.model.TriggerSource;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.Limits;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.engine.service.InstanceService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Instances, domain to wire. */
final class InstanceMapper {
  private InstanceMapper() {}

  static InstanceCreated created(Instance i) {
    return new InstanceCreated(
            i.ref().instanceId(),
            WireMapper.status(i.status()),
            UUID.fromString(i.versionId()),
            UUID.fromString(i.workflowId()))
        .triggerSource(TriggerSource.fromValue(i.triggerSource()));
  }

  static InstanceSummary summary(Instance i) {
    return new InstanceSummary(
            i.ref().instanceId(),
            time(i.createdOn()),
            time(i.modifiedOn()),
            time(i.startedOn()),
            time(i.endedOn()),
            WireMapper.status(i.status()),
            UUID.fromString(i.versionId()),
            UUID.fromString(i.workflowId()))
        .triggerSource(TriggerSource.fromValue(i.triggerSource()));
  }

  /**
   * GET instance: status, params, times, output or error, the step log and the rollback outcome.
   */
  static InstanceDetails details(InstanceService.Details d, boolean simple, boolean ascending) {
    Instance i = d.instance();
    List<StepLogEntry> log = StepLogMapper.log(d.steps(), d.history(), ascending);
    return new InstanceDetails(
            WireMapper.status(i.status()),
            JsonValues.fromText(i.paramsJson()),
            new InstanceTrigger(TriggerSource.fromValue(i.triggerSource())),
            UUID.fromString(i.versionId()),
            time(i.queuedOn()),
            time(i.startedOn()),
            time(i.endedOn()),
            success(i.status()),
            error(i.errorName(), i.errorMessage()),
            JsonValues.fromText(i.outputJson()),
            log.size(),
            simple ? new ArrayList<>() : new ArrayList<>(log),
            rollback(i))
        .schedule(
            i.schedule() == null
                ? null
                : new InstanceSchedule(i.schedule().cron(), time(i.schedule().scheduledTime())))
        .unavailableClass(d.unavailableClass().orElse(null));
  }

  private static RollbackOutcome rollback(Instance i) {
    if (i.rollbackOutcome() == null) {
      return null;
    }
    return new RollbackOutcome(
        RollbackOutcome.OutcomeEnum.fromValue(WireNames.rollbackOutcome(i.rollbackOutcome())),
        error(i.rollbackErrorName(), i.rollbackErrorMessage()));
  }

  /** The contract's success flag: true once complete, false once failed or terminated. */
  private static Boolean success(dev.stepflow.domain.Status status) {
    return switch (status) {
      case COMPLETE -> true;
      case ERRORED, TERMINATED -> false;
      default -> null;
    };
  }

  static StepDetail step(StepRecord s) {
    return new StepDetail(
            StepDetail.StatusEnum.fromValue(WireNames.stepStatus(s.status())),
            error(s.errorName(), s.errorMessage()))
        .eventType(s.eventType())
        .output(JsonValues.fromText(s.outputJson()))
        .errorStack(s.errorStack());
  }

  /**
   * One attempt of a step (1-based): its own status and error; the output only for the attempt that
   * succeeded. A waitForEvent has one attempt, the wait itself.
   */
  static StepDetail step(StepRecord s, String instanceId, int attempt) {
    if (s.kind() == StepKind.WAIT_FOR_EVENT && attempt == 1) {
      return step(s);
    }
    List<StepAttempt> attempts =
        s.kind() == StepKind.WAIT_FOR_EVENT ? List.of() : StepLogMapper.attempts(s);
    int count = StepLogMapper.attemptCount(attempts);
    if (attempt > count) {
      throw new WorkflowException(
          ErrorCode.STEP_NOT_FOUND,
          "Step '"
              + s.displayName()
              + "' of instance '"
              + instanceId
              + "' has "
              + count
              + " attempt(s) so far; there is no attempt "
              + attempt
              + ".");
    }
    StepAttempt a =
        attempts.stream()
            .filter(kept -> kept.getAttempt() == attempt)
            .findFirst()
            .orElseThrow(() -> attemptNotKept(s, instanceId, attempt, count));
    StepDetail.StatusEnum status =
        a.getSuccess() == null
            ? StepDetail.StatusEnum.RUNNING
            : a.getSuccess() ? StepDetail.StatusEnum.COMPLETE : StepDetail.StatusEnum.ERRORED;
    return new StepDetail(status, a.getError())
        .eventType(s.eventType())
        .output(Boolean.TRUE.equals(a.getSuccess()) ? JsonValues.fromText(s.outputJson()) : null);
  }

  private static WorkflowException attemptNotKept(
      StepRecord s, String instanceId, int attempt, int count) {
    return new WorkflowException(
        ErrorCode.STEP_NOT_FOUND,
        "Attempt "
            + attempt
            + " of step '"
            + s.displayName()
            + "' of instance '"
            + instanceId
            + "' is not kept: of its "
            + count
            + " attempts the log keeps the first "
            + Limits.FIRST_ATTEMPTS_KEPT
            + " and the last "
            + Limits.LAST_ATTEMPTS_KEPT
            + ".");
  }

  private static ErrorDetail error(String name, String message) {
    return name == null ? null : new ErrorDetail(name, message == null ? "" : message);
  }
}
