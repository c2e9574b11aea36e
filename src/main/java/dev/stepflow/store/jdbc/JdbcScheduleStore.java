package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.instant;

import dev.stepflow.domain.CronTick;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.ScheduleStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ScheduleStore} in portable SQL over a {@link Database}. */
public final class JdbcScheduleStore implements ScheduleStore {

  private static final String ACTIVE_SCHEDULES =
      """
      SELECT v.account_id, v.workflow_name, s.version_id, s.cron, s.since_on, s.last_tick
        FROM workflow_schedule s
        JOIN workflow_version v ON v.id = s.version_id
        JOIN workflow w ON w.account_id = v.account_id AND w.name = v.workflow_name
                       AND w.version_id = s.version_id
       ORDER BY v.account_id, v.workflow_name, s.position""";

  /**
   * The compare-and-set that lets one node fire a tick: the schedule must still belong to its
   * workflow's newest version and have fired no tick at or after this one. On PostgreSQL a second
   * node's UPDATE waits for the first's commit and then finds the condition false.
   */
  private static final String MARK_TICK_FIRED =
      """
      UPDATE workflow_schedule SET last_tick = ?
       WHERE version_id = ? AND cron = ? AND (last_tick IS NULL OR last_tick < ?)
         AND EXISTS (SELECT 1 FROM workflow w WHERE w.account_id = ? AND w.name = ?
                        AND w.version_id = workflow_schedule.version_id)""";

  private final Database db;
  private final String workflowToCreateIn;

  public JdbcScheduleStore(Database db) {
    this.db = db;
    this.workflowToCreateIn = db.dialect().lock(SqlDialect.RowLock.KEY_SHARE);
  }

  @Override
  public List<ActiveSchedule> activeSchedules() {
    return db.read(
        c -> {
          List<ActiveSchedule> found = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(ACTIVE_SCHEDULES);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              found.add(
                  new ActiveSchedule(
                      new WorkflowRef(rs.getString("account_id"), rs.getString("workflow_name")),
                      rs.getString("version_id"),
                      rs.getString("cron"),
                      instant(rs, "since_on"),
                      instant(rs, "last_tick")));
            }
          }
          return found;
        });
  }

  @Override
  public Optional<Instance> fireTick(
      ActiveSchedule schedule, CronTick tick, String actor, Instant now) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              bind(
                  c.prepareStatement(MARK_TICK_FIRED),
                  tick.scheduledTime(),
                  schedule.versionId(),
                  schedule.cron(),
                  tick.scheduledTime(),
                  schedule.workflow().accountId(),
                  schedule.workflow().workflowName())) {
            if (ps.executeUpdate() == 0) {
              return Optional.<Instance>empty();
            }
          }
          NewInstance item =
              new NewInstance(tick.instanceId(), null, Retention.FOREVER, null, tick);
          return InstanceCreation.createIfAbsent(
              c, db.dialect(), workflowToCreateIn, schedule.workflow(), item, actor, now);
        });
  }
}
