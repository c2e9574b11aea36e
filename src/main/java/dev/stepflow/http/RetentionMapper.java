package dev.stepflow.http;

import dev.stepflow.domain.Retention;

/** Retention between the wire (milliseconds or text, see {@link Durations}) and the domain. */
final class RetentionMapper {
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
    return value == null ? null : Durations.millis(value, field);
  }
}
