package dev.stepflow.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.api.model.ErrorDetail;
import dev.stepflow.api.model.InstanceDetails;
import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.api.model.SleepEntry;
import dev.stepflow.api.model.StepEntry;
import dev.stepflow.api.model.StepLogEntry;
import dev.stepflow.api.model.WaitForEventEntry;
import dev.stepflow.workflow.Rollback;
import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.StepConfig;
import dev.stepflow.workflow.StepFailedException;
import dev.stepflow.workflow.StepFunction;
import dev.stepflow.workflow.WaitTimeoutException;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replays a workflow's code against an instance's recorded step log, running no step: each step,
 * sleep and event wait the code reaches is looked up by {@code name-count} and answered from the
 * record, up to the end of {@code run} or the first step the record has not finished.
 */
final class ReplayCheck implements Step {
  private static final Set<InstanceStatus> ENDED =
      Set.of(InstanceStatus.COMPLETE, InstanceStatus.ERRORED, InstanceStatus.TERMINATED);

  private final InstanceDetails details;
  private final Workflow workflow;
  private final Map<String, StepLogEntry> recorded = new HashMap<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private final Set<String> reached = new LinkedHashSet<>();
  private final List<String> warnings = new ArrayList<>();

  ReplayCheck(InstanceDetails details, Workflow workflow) {
    this.details = details;
    this.workflow = workflow;
    details
        .getSteps()
        .forEach(e -> TestRun.nameOf(e).ifPresent(name -> recorded.putIfAbsent(name, e)));
  }

  List<String> warnings() {
    try {
      workflow.run(
          new WorkflowEvent(
              TestRun.JSON.valueToTree(details.getParams()),
              "replay",
              details.getQueued() == null ? Instant.EPOCH : details.getQueued().toInstant()),
          this);
    } catch (FrontierReached e) {
      // the record ends here: the instance had not gone further
    } catch (Exception e) {
      // run ends as it ended when recorded: with a failure the record holds
    }
    for (String name : TestRun.steps(details)) {
      if (!reached.contains(name)) {
        warnings.add(
            name + " is in the instance's history, but the code did not reach it on replay");
      }
    }
    return List.copyOf(warnings);
  }

  @Override
  public JsonNode run(
      String name,
      StepConfig config,
      StepFunction fn,
      Rollback rollback,
      StepConfig rollbackConfig) {
    String key = reach(name);
    if (!(recorded.get(key) instanceof StepEntry entry) || entry.getEnd() == null) {
      throw new FrontierReached();
    }
    if (Boolean.TRUE.equals(entry.getSuccess())) {
      return TestRun.JSON.valueToTree(entry.getOutput());
    }
    throw failure(entry.getError());
  }

  @Override
  public void sleep(String name, Duration duration) {
    sleepUntil(name, null);
  }

  @Override
  public void sleepUntil(String name, Instant until) {
    String key = reach(name);
    if (!(recorded.get(key) instanceof SleepEntry entry)
        || !Boolean.TRUE.equals(entry.getFinished())) {
      throw new FrontierReached();
    }
  }

  @Override
  public JsonNode waitForEvent(String name, String type) {
    return waitForEvent(name, type, null);
  }

  @Override
  public JsonNode waitForEvent(String name, String type, Duration timeout) {
    String key = reach(name);
    if (!(recorded.get(key) instanceof WaitForEventEntry entry)) {
      throw new FrontierReached();
    }
    if (entry.getError() != null) {
      throw new WaitTimeoutException(Optional.ofNullable(entry.getError().getMessage()).orElse(""));
    }
    if (!Boolean.TRUE.equals(entry.getFinished())) {
      throw new FrontierReached();
    }
    return TestRun.JSON.valueToTree(entry.getOutput());
  }

  /** Counts the occurrence, and warns when an ended instance's record lacks it. */
  private String reach(String name) {
    String key = name + "-" + counts.merge(name, 1, Integer::sum);
    reached.add(key);
    if (!recorded.containsKey(key) && ENDED.contains(details.getStatus())) {
      warnings.add(
          key
              + " is reached on replay, but the instance's history has no such step (it ended "
              + details.getStatus()
              + ")");
    }
    return key;
  }

  private static StepFailedException failure(ErrorDetail error) {
    return error == null
        ? new StepFailedException("Error", "")
        : new StepFailedException(error.getName(), error.getMessage());
  }

  /** The code reached a step the record has not finished: the replay stops there. */
  private static final class FrontierReached extends RuntimeException {
    FrontierReached() {
      super(null, null, false, false);
    }
  }
}
