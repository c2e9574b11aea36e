package dev.stepflow.http;

import static dev.stepflow.http.WireMapper.time;

import dev.stepflow.api.model.InstanceCounts;
import dev.stepflow.api.model.VersionGraph;
import dev.stepflow.api.model.WorkflowLimits;
import dev.stepflow.api.model.WorkflowPutResult;
import dev.stepflow.api.model.WorkflowScheduleState;
import dev.stepflow.api.model.WorkflowVersion;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Workflow;
import dev.stepflow.engine.service.WorkflowService.WorkflowWithCounts;
import java.util.Map;
import java.util.UUID;

/** Workflows and versions, domain to wire. */
final class WorkflowMapper {
  private WorkflowMapper() {}

  static dev.stepflow.api.model.Workflow workflow(WorkflowWithCounts found) {
    Workflow w = found.workflow();
    var out =
        new dev.stepflow.api.model.Workflow(
            UUID.fromString(w.id()),
            w.ref().workflowName(),
            w.className(),
            w.scriptName(),
            time(w.createdOn()),
            time(w.modifiedOn()),
            time(w.triggeredOn()),
            counts(found.instanceCounts()));
    return out.schedules(
        found.schedules().stream()
            .map(s -> new WorkflowScheduleState(s.cron(), time(s.nextInstance())))
            .toList());
  }

  static WorkflowPutResult putResult(Workflow w) {
    return new WorkflowPutResult(
        UUID.fromString(w.id()),
        w.ref().workflowName(),
        w.className(),
        w.scriptName(),
        time(w.createdOn()),
        time(w.modifiedOn()),
        time(w.triggeredOn()),
        UUID.fromString(w.versionId()),
        0,
        0);
  }

  static WorkflowVersion version(dev.stepflow.domain.WorkflowVersion v) {
    WorkflowVersion out =
        new WorkflowVersion(
            UUID.fromString(v.id()),
            UUID.fromString(v.workflowId()),
            v.className(),
            time(v.createdOn()),
            time(v.createdOn()),
            false,
            WorkflowVersion.LanguageEnum.JAVA,
            new WorkflowLimits().steps(v.stepLimit()));
    out.defaultRetention(RetentionMapper.toWire(v.defaultRetention()));
    return out;
  }

  static VersionGraph graph(dev.stepflow.domain.WorkflowVersion v) {
    return new VersionGraph(
        UUID.fromString(v.id()),
        UUID.fromString(v.workflowId()),
        v.className(),
        time(v.createdOn()),
        time(v.createdOn()),
        null);
  }

  private static InstanceCounts counts(Map<Status, Long> counts) {
    return new InstanceCounts(
        count(counts, Status.QUEUED),
        count(counts, Status.RUNNING),
        count(counts, Status.PAUSED),
        count(counts, Status.ERRORED),
        count(counts, Status.TERMINATED),
        count(counts, Status.COMPLETE),
        count(counts, Status.WAITING_FOR_PAUSE),
        count(counts, Status.WAITING),
        count(counts, Status.ROLLING_BACK));
  }

  private static int count(Map<Status, Long> counts, Status status) {
    return counts.getOrDefault(status, 0L).intValue();
  }
}
