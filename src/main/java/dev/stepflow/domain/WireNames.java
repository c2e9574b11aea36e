package dev.stepflow.domain;

import java.util.Arrays;
import java.util.Optional;

/**
 * The contract's names for statuses ("waitingForPause"), used in messages, in the store and by the
 * http mapper. Written once, as a switch.
 */
public final class WireNames {
  private WireNames() {}

  public static String status(Status status) {
    return switch (status) {
      case QUEUED -> "queued";
      case RUNNING -> "running";
      case PAUSED -> "paused";
      case ERRORED -> "errored";
      case TERMINATED -> "terminated";
      case COMPLETE -> "complete";
      case WAITING_FOR_PAUSE -> "waitingForPause";
      case WAITING -> "waiting";
      case ROLLING_BACK -> "rollingBack";
    };
  }

  public static Optional<Status> parseStatus(String wire) {
    return Arrays.stream(Status.values()).filter(s -> status(s).equals(wire)).findFirst();
  }
}
