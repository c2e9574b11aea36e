package dev.stepflow.domain;

import java.time.Instant;

/**
 * One recorded step of an instance's current run, as the engine checkpoints it. {@code kind} is do,
 * sleep, waitForEvent or rollback (a rollback row compensates the do step of the same name and
 * count); {@code status} is running, waiting, complete or errored. JSON values are text. {@code
 * wakeAt} is the sleep end, the event-wait deadline or the time of the next retry attempt.
 */
public record StepRow(
    int stepSeq,
    String kind,
    String name,
    int count,
    String status,
    Instant startedOn,
    Instant endedOn,
    String outputJson,
    String errorName,
    String errorMessage,
    String configJson,
    String attemptsJson,
    boolean hasRollback,
    Instant wakeAt,
    boolean wakeAbsolute,
    String eventType) {

  /** A do or rollback step whose first attempt is about to run. */
  public static StepRow running(
      int stepSeq,
      String kind,
      String name,
      int count,
      Instant at,
      String configJson,
      boolean hasRollback) {
    return new StepRow(
        stepSeq,
        kind,
        name,
        count,
        "running",
        at,
        null,
        null,
        null,
        null,
        configJson,
        "[]",
        hasRollback,
        null,
        false,
        null);
  }

  /** A sleep or event wait that lasts until {@code wakeAt} (absolute: a pause does not move it). */
  public static StepRow waiting(
      int stepSeq,
      String kind,
      String name,
      int count,
      Instant at,
      Instant wakeAt,
      boolean absolute,
      String eventType) {
    return new StepRow(
        stepSeq, kind, name, count, "waiting", at, null, null, null, null, null, null, false,
        wakeAt, absolute, eventType);
  }

  public String displayName() {
    return name + "-" + count;
  }

  public StepRow finished(
      String status,
      Instant at,
      String outputJson,
      String errorName,
      String errorMessage,
      String attemptsJson) {
    return new StepRow(
        stepSeq,
        kind,
        name,
        count,
        status,
        startedOn,
        at,
        outputJson,
        errorName,
        errorMessage,
        configJson,
        attemptsJson,
        hasRollback,
        null,
        wakeAbsolute,
        eventType);
  }

  public StepRow waitingUntil(Instant wakeAt, String attemptsJson) {
    return new StepRow(
        stepSeq,
        kind,
        name,
        count,
        "waiting",
        startedOn,
        null,
        null,
        errorName,
        errorMessage,
        configJson,
        attemptsJson,
        hasRollback,
        wakeAt,
        wakeAbsolute,
        eventType);
  }

  public StepRow withError(String errorName, String errorMessage) {
    return new StepRow(
        stepSeq,
        kind,
        name,
        count,
        status,
        startedOn,
        endedOn,
        outputJson,
        errorName,
        errorMessage,
        configJson,
        attemptsJson,
        hasRollback,
        wakeAt,
        wakeAbsolute,
        eventType);
  }
}
