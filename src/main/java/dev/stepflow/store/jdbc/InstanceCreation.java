package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;

import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.CronTick;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceIdsInUse;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.Workflow;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Creating instances, in the write transaction of {@link JdbcInstanceStore#createInstances}. */
final class InstanceCreation {
  private static final String INSERT_INSTANCE =
      """
      INSERT INTO instance (account_id, workflow_name, instance_id, status, workflow_id, version_id,
                            params_json, trigger_source, created_on, modified_on, queued_on,
                            status_changed_on, success_retention_ms, error_retention_ms,
                            on_failure, schedule_cron, scheduled_time, concurrency_limited)
      SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
             COALESCE(?, v.success_retention_ms), COALESCE(?, v.error_retention_ms),
             CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT),
             CASE WHEN v.concurrency_limit IS NULL THEN 0 ELSE 1 END
        FROM workflow_version v WHERE v.id = ?
      ON CONFLICT (account_id, workflow_name, instance_id) DO NOTHING
      RETURNING seq, status_version""";
  private static final String TOUCH_WORKFLOW_TRIGGERED =
      "UPDATE workflow SET triggered_on = ? WHERE account_id = ? AND name = ?";

  private InstanceCreation() {}

  /**
   * Creates {@code items} in the workflow {@code ref}, queued, each with its creation row; all or
   * none. {@code workflowLock} ends the read of the workflow (it must keep existing meanwhile).
   */
  static List<Instance> create(
      Connection c,
      SqlDialect dialect,
      String workflowLock,
      WorkflowRef ref,
      List<NewInstance> items,
      ChangeOrigin origin,
      Instant now)
      throws SQLException {
    // a workflow being deleted now is either gone, or waits until these instances exist
    Workflow workflow =
        JdbcWorkflowStore.findWorkflow(c, ref, workflowLock)
            .orElseThrow(
                () -> WorkflowException.workflowNotFound(ref.accountId(), ref.workflowName()));
    List<Instance> created = new ArrayList<>(items.size());
    for (NewInstance item : items) {
      // an id in use makes the insert do nothing (the unique index decides, whatever plan
      // the server would choose for a lookup); the whole create is then refused
      Optional<Instance> inserted = insert(c, workflow, item, now);
      if (inserted.isEmpty()) {
        List<String> inUse = existingIds(c, ref, items, created);
        throw new InstanceIdsInUse(
            ref,
            items.stream().map(NewInstance::instanceId).toList(),
            inUse.isEmpty() ? List.of(item.instanceId()) : inUse);
      }
      StatusHistory.append(
          c,
          inserted.get().seq(),
          StatusChange.by(origin, null, Status.QUEUED, StatusChange.CREATE, now, false));
      created.add(inserted.get());
    }
    Columns.execute(c, TOUCH_WORKFLOW_TRIGGERED, now, ref.accountId(), ref.workflowName());
    ClusterChannels.sendWork(c, dialect);
    return created;
  }

  /**
   * Creates {@code item} in the workflow {@code ref}, queued, unless an instance with its id exists
   * (then nothing is written and the result is empty): a cron tick's instance, which every node
   * that fires the tick names alike.
   */
  static Optional<Instance> createIfAbsent(
      Connection c,
      SqlDialect dialect,
      String workflowLock,
      WorkflowRef ref,
      NewInstance item,
      String actor,
      Instant now)
      throws SQLException {
    Optional<Workflow> workflow = JdbcWorkflowStore.findWorkflow(c, ref, workflowLock);
    if (workflow.isEmpty()) {
      return Optional.empty();
    }
    Optional<Instance> inserted = insert(c, workflow.get(), item, now);
    if (inserted.isEmpty()) {
      return Optional.empty();
    }
    StatusHistory.append(
        c,
        inserted.get().seq(),
        new StatusChange(null, Status.QUEUED, StatusChange.CREATE, actor, now, false));
    Columns.execute(c, TOUCH_WORKFLOW_TRIGGERED, now, ref.accountId(), ref.workflowName());
    ClusterChannels.sendWork(c, dialect);
    return inserted;
  }

  /**
   * The ids of {@code items} that were in use before this create, which inserted {@code created}
   * already (rolled back with it): the refusal names every id in use, not only the first found.
   */
  private static List<String> existingIds(
      Connection c, WorkflowRef ref, List<NewInstance> items, List<Instance> created)
      throws SQLException {
    Set<String> ours = new HashSet<>();
    created.forEach(i -> ours.add(i.ref().instanceId()));
    List<String> existing = new ArrayList<>();
    for (NewInstance item : items) {
      if (!ours.contains(item.instanceId())
          && InstanceRows.seqOf(c, ref.instance(item.instanceId())).isPresent()) {
        existing.add(item.instanceId());
      }
    }
    return existing;
  }

  /**
   * The new instance, or empty when an instance with its id exists already. It is made from what
   * was inserted, with the columns the database fills in returned by the insert: reading the row
   * back cost a query of every column per instance, on the writer every write waits for.
   */
  private static Optional<Instance> insert(
      Connection c, Workflow workflow, NewInstance item, Instant now) throws SQLException {
    try (PreparedStatement ps =
            bind(
                c.prepareStatement(INSERT_INSTANCE),
                workflow.ref().accountId(),
                workflow.ref().workflowName(),
                item.instanceId(),
                WireNames.status(Status.QUEUED),
                workflow.id(),
                workflow.versionId(),
                item.paramsJson(),
                item.triggerSource(),
                now,
                now,
                now,
                now,
                item.retention().successMillis(),
                item.retention().errorMillis(),
                item.onFailure() == null ? null : WireNames.failurePolicy(item.onFailure()),
                item.tick() == null ? null : item.tick().cron(),
                item.tick() == null ? null : item.tick().scheduledTime(),
                workflow.versionId());
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(created(workflow, item, now, rs.getLong(1), rs.getLong(2)));
    }
  }

  /** The instance as the insert stored it: times in milliseconds, as the table keeps them. */
  private static Instance created(
      Workflow workflow, NewInstance item, Instant now, long seq, long statusVersion) {
    Instant stored = now.truncatedTo(ChronoUnit.MILLIS);
    CronTick tick =
        item.tick() == null
            ? null
            : new CronTick(
                item.tick().cron(), item.tick().scheduledTime().truncatedTo(ChronoUnit.MILLIS));
    return new Instance(
        workflow.ref().instance(item.instanceId()),
        seq,
        Status.QUEUED,
        workflow.id(),
        workflow.versionId(),
        item.paramsJson(),
        item.triggerSource(),
        stored,
        stored,
        stored,
        null,
        null,
        stored,
        null,
        null,
        null,
        null,
        null,
        null,
        statusVersion,
        tick);
  }
}
