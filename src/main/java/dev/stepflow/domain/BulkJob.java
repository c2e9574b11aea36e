package dev.stepflow.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A durable bulk job: one {@link BulkAction} applied to every instance of a workflow that its
 * {@link Filter} selected when it started, item by item, each change through the same path as a
 * client's. {@code endedOn} is null while it runs.
 */
public record BulkJob(
    String jobId,
    WorkflowRef workflow,
    Spec spec,
    State state,
    Counts counts,
    Instant createdOn,
    Instant endedOn) {

  /** At most this many instances per job: a filter that selects more is refused (400). */
  public static final int MAX_ITEMS = 100_000;

  /** Items per second unless the request says otherwise. */
  public static final int DEFAULT_MAX_PER_SECOND = 100;

  /** The most items per second a job may ask for. */
  public static final int MAX_PER_SECOND = 10_000;

  /** running until every item is done; cancelled by a client first. */
  public enum State {
    RUNNING,
    COMPLETE,
    CANCELLED
  }

  /**
   * What the client asked for. {@code restartFrom} only accompanies RESTART; {@code startedBy} is
   * the call that started the job (its token, the job's reason, its request id); the changes the
   * job applies are recorded as {@link #changeOrigin()}.
   */
  public record Spec(
      BulkAction action,
      Optional<StepRef> restartFrom,
      Filter filter,
      boolean dryRun,
      int maxPerSecond,
      ChangeOrigin startedBy) {
    public Spec {
      if (maxPerSecond < 1 || maxPerSecond > MAX_PER_SECOND) {
        throw new IllegalArgumentException("maxPerSecond out of range: " + maxPerSecond);
      }
    }

    /** The job's reason, if it was given one. */
    public Optional<String> reason() {
      return Optional.ofNullable(startedBy.reason());
    }
  }

  /**
   * Which instances a job selects; every condition given must hold. An empty {@code statuses} or
   * {@code ids} list sets no condition.
   */
  public record Filter(
      List<Status> statuses,
      Optional<Instant> createdAfter,
      Optional<Instant> createdBefore,
      List<String> ids) {
    public Filter {
      statuses = List.copyOf(statuses);
      ids = List.copyOf(ids);
    }

    /** Selects every instance of the workflow. */
    public static final Filter ALL =
        new Filter(List.of(), Optional.empty(), Optional.empty(), List.of());
  }

  /** How many of the job's items have which outcome; {@code matched} is all of them. */
  public record Counts(
      int matched,
      int applied,
      int skipped,
      int failed,
      int cancelled,
      int pending,
      int wouldApply,
      int wouldSkip) {}

  /** The actor id of the status changes a job applies: {@code bulk:<job id>}. */
  public static final String ACTOR_PREFIX = "bulk:";

  /**
   * The origin of the status changes the job applies, in the instances' status history: the job
   * ({@code bulk:<job id>}, named by the token that started it), with the job's reason and the
   * request id of the call that started it.
   */
  public ChangeOrigin changeOrigin() {
    ChangeOrigin start = spec.startedBy();
    return new ChangeOrigin(
        ACTOR_PREFIX + jobId, start.actorName(), start.reason(), start.requestId());
  }
}
