package dev.stepflow.domain;

import java.time.Instant;

/**
 * One recorded step of an instance's current run, as the engine checkpoints it. JSON values
 * (output, config, attempts) are text. {@code wakeAt} is the sleep end, the event-wait deadline or
 * the time of the next retry attempt; {@code wakeAbsolute} says a pause does not move it
 * (sleepUntil). {@code errorStack} is the stack trace of the failure the record holds, if the
 * attempt that failed threw one.
 */
public record StepRecord(
    int stepSeq,
    StepKind kind,
    String name,
    int count,
    StepStatus status,
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
    String eventType,
    String errorStack) {

  /** The attempt log (JSON) of a step none of whose attempts has ended yet. */
  public static final String NO_ATTEMPTS = "[]";

  /** A do or rollback step whose first attempt is about to run. */
  public static StepRecord running(
      int stepSeq,
      StepKind kind,
      String name,
      int count,
      Instant at,
      String configJson,
      boolean hasRollback) {
    return new StepRecord(
        stepSeq,
        kind,
        name,
        count,
        StepStatus.RUNNING,
        at,
        null,
        null,
        null,
        null,
        configJson,
        NO_ATTEMPTS,
        hasRollback,
        null,
        false,
        null,
        null);
  }

  /** A sleep or event wait that lasts until {@code wakeAt} (absolute: a pause does not move it). */
  public static StepRecord waiting(
      int stepSeq,
      StepKind kind,
      String name,
      int count,
      Instant at,
      Instant wakeAt,
      boolean absolute,
      String eventType) {
    return new StepRecord(
        stepSeq,
        kind,
        name,
        count,
        StepStatus.WAITING,
        at,
        null,
        null,
        null,
        null,
        null,
        null,
        false,
        wakeAt,
        absolute,
        eventType,
        null);
  }

  public StepRef ref() {
    return new StepRef(kind, name, count);
  }

  public String displayName() {
    return name + "-" + count;
  }

  /** The step succeeded at {@code at} with {@code outputJson}. */
  public StepRecord completed(Instant at, String outputJson, String attemptsJson) {
    return finished(StepStatus.COMPLETE, at, outputJson, null, null, attemptsJson);
  }

  /** The step failed for good at {@code at}: no retry is left, or none was allowed. */
  public StepRecord failed(Instant at, String errorName, String errorMessage, String attemptsJson) {
    return finished(StepStatus.ERRORED, at, null, errorName, errorMessage, attemptsJson);
  }

  private StepRecord finished(
      StepStatus status,
      Instant at,
      String outputJson,
      String errorName,
      String errorMessage,
      String attemptsJson) {
    return new StepRecord(
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
        eventType,
        null);
  }

  /** This record with {@code value} as its output's JSON text. */
  public StepRecord withOutputJson(String value) {
    return new StepRecord(
        stepSeq,
        kind,
        name,
        count,
        status,
        startedOn,
        endedOn,
        value,
        errorName,
        errorMessage,
        configJson,
        attemptsJson,
        hasRollback,
        wakeAt,
        wakeAbsolute,
        eventType,
        errorStack);
  }

  /** The step waits until {@code wakeAt} before its next attempt, with the last attempt's error. */
  public StepRecord retryingAt(
      Instant wakeAt, String attemptsJson, String errorName, String errorMessage) {
    return new StepRecord(
        stepSeq,
        kind,
        name,
        count,
        StepStatus.WAITING,
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
        eventType,
        errorStack);
  }

  /** The record with the stack trace of the failure it records (text, bounded by the caller). */
  public StepRecord withErrorStack(String stack) {
    return new StepRecord(
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
        eventType,
        stack);
  }
}
