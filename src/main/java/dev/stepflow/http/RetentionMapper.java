package dev.stepflow.http;

import dev.stepflow.domain.Retention;
import dev.stepflow.domain.WorkflowException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retention on the wire: each field is a number of milliseconds or a text such as "5 minutes" or
 * "30 days" (second, minute, hour, day, week, month = 30 days, year = 365 days). Answers give ms.
 */
final class RetentionMapper {
  private static final Pattern TEXT =
      Pattern.compile("^(\\d+)\\s+(second|minute|hour|day|week|month|year)s?$");

  private RetentionMapper() {}

  static Retention fromWire(dev.stepflow.api.model.Retention wire, String field) {
    if (wire == null) {
      return Retention.FOREVER;
    }
    return new Retention(
        millis(wire.getSuccessRetention(), field + ".success_retention"),
        millis(wire.getErrorRetention(), field + ".error_retention"));
  }

  static dev.stepflow.api.model.Retention toWire(Retention retention) {
    if (retention.successMillis() == null && retention.errorMillis() == null) {
      return null;
    }
    return new dev.stepflow.api.model.Retention()
        .successRetention(retention.successMillis())
        .errorRetention(retention.errorMillis());
  }

  private static Long millis(Object value, String field) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number number
        && number.doubleValue() >= 0
        && number.doubleValue() == Math.rint(number.doubleValue())) {
      return number.longValue();
    }
    if (value instanceof String text) {
      Matcher m = TEXT.matcher(text.trim().toLowerCase(Locale.ROOT));
      if (m.matches()) {
        return Long.parseLong(m.group(1)) * unitMillis(m.group(2));
      }
    }
    throw WorkflowException.invalid(
        "'"
            + field
            + "' must be a whole number of milliseconds or a text such as \"7 days\" (got "
            + JsonValues.toText(value)
            + ").");
  }

  private static long unitMillis(String unit) {
    return switch (unit) {
      case "second" -> 1_000L;
      case "minute" -> 60_000L;
      case "hour" -> 3_600_000L;
      case "day" -> 86_400_000L;
      case "week" -> 7 * 86_400_000L;
      case "month" -> 30 * 86_400_000L;
      default -> 365 * 86_400_000L;
    };
  }
}
