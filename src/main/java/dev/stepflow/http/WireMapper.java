package dev.stepflow.http;

import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.domain.Status;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** Wire values that are not JSON bodies: statuses and times. The status mapping is written once. */
final class WireMapper {
  private WireMapper() {}

  static InstanceStatus status(Status status) {
    return switch (status) {
      case QUEUED -> InstanceStatus.QUEUED;
      case RUNNING -> InstanceStatus.RUNNING;
      case PAUSED -> InstanceStatus.PAUSED;
      case ERRORED -> InstanceStatus.ERRORED;
      case TERMINATED -> InstanceStatus.TERMINATED;
      case COMPLETE -> InstanceStatus.COMPLETE;
      case WAITING_FOR_PAUSE -> InstanceStatus.WAITING_FOR_PAUSE;
      case WAITING -> InstanceStatus.WAITING;
      case ROLLING_BACK -> InstanceStatus.ROLLING_BACK;
    };
  }

  static Status status(InstanceStatus wire) {
    return switch (wire) {
      case QUEUED -> Status.QUEUED;
      case RUNNING -> Status.RUNNING;
      case PAUSED -> Status.PAUSED;
      case ERRORED -> Status.ERRORED;
      case TERMINATED -> Status.TERMINATED;
      case COMPLETE -> Status.COMPLETE;
      case WAITING_FOR_PAUSE -> Status.WAITING_FOR_PAUSE;
      case WAITING -> Status.WAITING;
      case ROLLING_BACK -> Status.ROLLING_BACK;
    };
  }

  static OffsetDateTime time(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static Optional<Instant> instant(OffsetDateTime time) {
    return Optional.ofNullable(time).map(OffsetDateTime::toInstant);
  }
}
