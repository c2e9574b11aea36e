package dev.stepflow.http;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.stepflow.api.model.StepAttempt;
import dev.stepflow.api.model.StepDetail;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.StepRow;
import dev.stepflow.domain.WorkflowException;
import java.util.List;

/**
 * GET .../step?attempt=N: one attempt of a step. A successful last attempt carries the step's
 * output; a failed one its error; an attempt without an end is still running.
 */
final class StepAttempts {
  private StepAttempts() {}

  static StepDetail attempt(StepRow step, int number) {
    List<StepAttempt> attempts =
        step.attemptsJson() == null
            ? List.of()
            : JsonValues.read(step.attemptsJson(), new TypeReference<List<StepAttempt>>() {});
    if (number > attempts.size()) {
      throw new WorkflowException(
          ErrorCode.STEP_NOT_FOUND,
          "Step '"
              + step.displayName()
              + "' has "
              + attempts.size()
              + " attempt(s); there is no attempt "
              + number
              + ".");
    }
    StepAttempt chosen = attempts.get(number - 1);
    boolean last = number == attempts.size();
    StepDetail.StatusEnum status =
        chosen.getSuccess() == null
            ? StepDetail.StatusEnum.RUNNING
            : chosen.getSuccess() ? StepDetail.StatusEnum.COMPLETE : StepDetail.StatusEnum.ERRORED;
    StepDetail detail = new StepDetail(status, chosen.getError());
    if (last && Boolean.TRUE.equals(chosen.getSuccess())) {
      detail.output(JsonValues.fromText(step.outputJson()));
    }
    return detail;
  }
}
