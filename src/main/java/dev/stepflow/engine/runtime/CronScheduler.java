package dev.stepflow.engine.runtime;

import dev.stepflow.domain.CronTick;
import dev.stepflow.store.ScheduleStore;
import dev.stepflow.store.ScheduleStore.ActiveSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the ticks of workflows' cron schedules on the engine's dispatcher, by the engine's clock
 * (so tests move time rather than wait for it). Every node does this; the store lets one node
 * create each tick's instance ({@link ScheduleStore#fireTick}), so no node leads.
 *
 * <p>Missed ticks: a schedule fires only the latest tick that is due. Ticks that came and went
 * while no node ran (or while the dispatcher was busy) are not made up one by one: after a downtime
 * the latest missed tick creates its instance, the ones before it are skipped. A schedule fires no
 * tick from before its version was created.
 */
final class CronScheduler {
  private static final Logger log = LoggerFactory.getLogger(CronScheduler.class);

  /** How often, by the clock, the schedules are read again (a PUT may have changed them). */
  private static final Duration SCAN = Duration.ofSeconds(1);

  /** Who the status history names as the creator of a tick's instance. */
  static final String ACTOR = "cron";

  private final ScheduleStore store;
  private final Map<String, Optional<CronExpressions.Schedule>> parsed = new HashMap<>();
  private Instant nextScan = Instant.MIN;
  private Instant nextTick;

  CronScheduler(ScheduleStore store) {
    this.store = store;
  }

  /** Fires what is due at {@code now}, at most once per {@link #SCAN}; returns how many fired. */
  int fireDue(Instant now) {
    if (now.isBefore(nextScan) && (nextTick == null || now.isBefore(nextTick))) {
      return 0;
    }
    nextScan = now.plus(SCAN);
    List<ActiveSchedule> schedules = store.activeSchedules();
    int created = 0;
    Instant earliest = null;
    for (ActiveSchedule schedule : schedules) {
      Optional<CronExpressions.Schedule> cron = parse(schedule.cron());
      if (cron.isEmpty()) {
        continue;
      }
      created += fireLatest(schedule, cron.get(), now) ? 1 : 0;
      Instant next = cron.get().nextAfter(now).orElse(null);
      if (next != null && (earliest == null || next.isBefore(earliest))) {
        earliest = next;
      }
    }
    nextTick = earliest;
    return created;
  }

  /** When the next tick of any schedule seen at the last scan is due, if one is. */
  Optional<Instant> nextTick() {
    return Optional.ofNullable(nextTick);
  }

  /** A tick is due at {@code now} that the scheduler has not fired yet. */
  boolean due(Instant now) {
    return nextTick != null && !now.isBefore(nextTick);
  }

  private boolean fireLatest(ActiveSchedule schedule, CronExpressions.Schedule cron, Instant now) {
    Optional<Instant> latest = cron.latestAtOrBefore(now);
    if (latest.isEmpty()
        || latest.get().isBefore(schedule.since())
        || (schedule.lastTick() != null && !latest.get().isAfter(schedule.lastTick()))) {
      return false;
    }
    CronTick tick = new CronTick(schedule.cron(), latest.get());
    var created = store.fireTick(schedule, tick, ACTOR, now);
    created.ifPresent(
        instance -> {
          log.info(
              "Cron schedule '{}' of {} created instance '{}' for its tick at {}",
              schedule.cron(),
              schedule.workflow(),
              instance.ref().instanceId(),
              tick.scheduledTime());
          skippedTicks(schedule, cron, tick);
        });
    return created.isPresent();
  }

  /** Says so when ticks before this one were missed (no node ran); they are not made up. */
  private static void skippedTicks(
      ActiveSchedule schedule, CronExpressions.Schedule cron, CronTick fired) {
    if (schedule.lastTick() == null) {
      return;
    }
    cron.nextAfter(schedule.lastTick())
        .filter(firstMissed -> firstMissed.isBefore(fired.scheduledTime()))
        .ifPresent(
            firstMissed ->
                log.warn(
                    "Cron schedule '{}' of {} missed its ticks from {} until before {} (no node"
                        + " ran them); only the latest is made up",
                    schedule.cron(),
                    schedule.workflow(),
                    firstMissed,
                    fired.scheduledTime()));
  }

  private Optional<CronExpressions.Schedule> parse(String cron) {
    return parsed.computeIfAbsent(
        cron,
        expression -> {
          try {
            return Optional.of(CronExpressions.parse(expression));
          } catch (CronExpressions.Invalid e) {
            log.warn(
                "Cron schedule '{}' is not valid and never fires: {}", expression, e.getMessage());
            return Optional.empty();
          }
        });
  }
}
