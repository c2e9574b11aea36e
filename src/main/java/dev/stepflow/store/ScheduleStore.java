package dev.stepflow.store;

import dev.stepflow.domain.CronTick;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.WorkflowRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The cron schedules of workflows, as the nodes that fire their ticks see them. Several nodes may
 * fire the same tick at once; the store lets exactly one of them create its instance, with no
 * leader: firing moves the schedule's latest fired tick forward with a compare-and-set, in the
 * transaction that creates the instance, and the instance's id (derived from the expression and the
 * tick) makes a second creation do nothing.
 */
public interface ScheduleStore {

  /**
   * A schedule of a workflow's newest version: it fires no tick before {@code since} (the version's
   * creation), and {@code lastTick} is the latest tick it fired (null: none yet).
   */
  record ActiveSchedule(
      WorkflowRef workflow, String versionId, String cron, Instant since, Instant lastTick) {}

  /** The schedules of every workflow's newest version. */
  List<ActiveSchedule> activeSchedules();

  /**
   * Fires {@code tick} of {@code schedule}: if the schedule is still its workflow's and fired no
   * tick at or after this one, records it as fired and creates the tick's instance (queued,
   * triggered by cron) unless one with its id exists, in one transaction. Returns the instance when
   * this call created it; empty when another node did, or the tick was fired before.
   */
  Optional<Instance> fireTick(ActiveSchedule schedule, CronTick tick, String actor, Instant now);
}
