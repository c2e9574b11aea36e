package dev.stepflow.http;

import dev.stepflow.domain.WorkflowException;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retention durations as the contract takes them: whole milliseconds or text such as "7 days".
 * Responses always give milliseconds (the SDK types them as numbers), so text is converted when it
 * arrives. A month is 30 days and a year 365.25 days, as wrangler counts them.
 */
final class Durations {
  private static final Pattern TEXT =
      Pattern.compile("^(\\d+)\\s+(second|minute|hour|day|week|month|year)s?$");
  private static final long DAY = 86_400_000L;

  private Durations() {}

  static long millis(Object value, String field) {
    if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
      BigInteger number = new BigInteger(value.toString());
      if (number.signum() >= 0 && number.bitLength() < 63) {
        return number.longValue();
      }
    } else if (value instanceof String text) {
      Matcher m = TEXT.matcher(text);
      if (m.matches()) {
        try {
          return Math.multiplyExact(Long.parseLong(m.group(1)), unit(m.group(2)));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
          // reported below
        }
      }
    }
    throw WorkflowException.invalid(
        "'"
            + field
            + "' must be a whole number of milliseconds or a text such as \"7 days\""
            + " (units: second, minute, hour, day, week, month, year); got "
            + JsonValues.toText(value)
            + ".");
  }

  private static long unit(String unit) {
    return switch (unit) {
      case "second" -> 1_000L;
      case "minute" -> 60_000L;
      case "hour" -> 3_600_000L;
      case "day" -> DAY;
      case "week" -> 7 * DAY;
      case "month" -> 30 * DAY;
      default -> 31_557_600_000L; // year: 365.25 days
    };
  }
}
