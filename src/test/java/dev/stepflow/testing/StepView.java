package dev.stepflow.testing;

import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.WireNames;
import java.time.Instant;

/** A recorded step as the scenarios see it. {@code type} is do, sleep, waitForEvent, rollback. */
public record StepView(
    String type,
    String name,
    int count,
    String status,
    String outputJson,
    String errorName,
    String errorMessage,
    Instant startedOn,
    Instant endedOn,
    Instant wakeAt,
    String errorStack) {

  /** The only place the scenarios read the store's step record. */
  static StepView of(StepRecord row) {
    return new StepView(
        WireNames.stepKind(row.kind()),
        row.name(),
        row.count(),
        WireNames.stepStatus(row.status()),
        row.outputJson(),
        row.errorName(),
        row.errorMessage(),
        row.startedOn(),
        row.endedOn(),
        row.wakeAt(),
        row.errorStack());
  }

  public String displayName() {
    return name + "-" + count;
  }

  public String summary() {
    return type + " " + displayName() + " " + status;
  }
}
