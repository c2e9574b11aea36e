package dev.stepflow.engine.runtime;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Cloudflare's cron syntax (its Cron Triggers, which workflow schedules share): five fields,
 * minute, hour, day of month, month, day of week, in UTC; lists, ranges and steps; month and day
 * names; day of week 0-7 with 0 and 7 both Sunday; {@code L} and {@code W} in the day of month and
 * {@code L} and {@code #} in the day of week. Parsed and stepped by cron-utils (a maintained
 * library whose field definitions can be set to exactly this syntax).
 */
public final class CronExpressions {
  private static final CronDefinition CLOUDFLARE =
      CronDefinitionBuilder.defineCron()
          .withMinutes()
          .withValidRange(0, 59)
          .withStrictRange()
          .and()
          .withHours()
          .withValidRange(0, 23)
          .withStrictRange()
          .and()
          .withDayOfMonth()
          .withValidRange(1, 31)
          .supportsL()
          .supportsW()
          .supportsLW()
          .withStrictRange()
          .and()
          .withMonth()
          .withValidRange(1, 12)
          .withStrictRange()
          .and()
          .withDayOfWeek()
          .withValidRange(0, 7)
          .withMondayDoWValue(1)
          .withIntMapping(7, 0)
          .supportsHash()
          .supportsL()
          .withStrictRange()
          .and()
          .matchDayOfWeekAndDayOfMonth()
          .instance();

  private static final CronParser PARSER = new CronParser(CLOUDFLARE);

  /** A cron expression that parsed, ready to say when it fires. */
  public static final class Schedule {
    private final String expression;
    private final ExecutionTime times;

    private Schedule(String expression, ExecutionTime times) {
      this.expression = expression;
      this.times = times;
    }

    public String expression() {
      return expression;
    }

    /** The first tick strictly after {@code after}, if the expression ever fires again. */
    public Optional<Instant> nextAfter(Instant after) {
      return times.nextExecution(utc(after)).map(ZonedDateTime::toInstant);
    }

    /** The latest tick at or before {@code at}, if the expression ever fired by then. */
    public Optional<Instant> latestAtOrBefore(Instant at) {
      // cron-utils looks strictly before its argument; ticks fall on whole minutes
      Instant justAfter = at.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      return times.lastExecution(utc(justAfter)).map(ZonedDateTime::toInstant);
    }

    private static ZonedDateTime utc(Instant instant) {
      return instant.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC);
    }
  }

  /** Thrown for an expression that is not a Cloudflare cron expression; says why. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  private CronExpressions() {}

  /** The expression parsed, or {@link Invalid} saying what is wrong with it. */
  public static Schedule parse(String expression) throws Invalid {
    if (expression == null || expression.isBlank()) {
      throw new Invalid("a cron expression must not be empty");
    }
    String[] fields = expression.trim().split("\\s+");
    if (fields.length != 5) {
      throw new Invalid(
          "a cron expression has 5 fields (minute hour day-of-month month day-of-week), got "
              + fields.length);
    }
    Cron cron;
    try {
      cron = PARSER.parse(expression.trim()).validate();
    } catch (IllegalArgumentException e) {
      throw new Invalid(e.getMessage());
    }
    return new Schedule(expression, ExecutionTime.forCron(cron));
  }
}
