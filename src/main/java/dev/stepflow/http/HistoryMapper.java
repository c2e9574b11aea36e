package dev.stepflow.http;

import dev.stepflow.api.model.Actor;
import dev.stepflow.api.model.AuditEntry;
import dev.stepflow.api.model.StatusHistoryEntry;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.WireNames;

/** Status history rows and audit entries on the wire, with their actor. */
final class HistoryMapper {
  private static final String TOKEN_PREFIX = "token:";
  private static final String ENGINE = "engine";

  private HistoryMapper() {}

  static StatusHistoryEntry entry(StatusChange change) {
    return new StatusHistoryEntry(
        change.from() == null ? null : WireNames.status(change.from()),
        WireMapper.status(change.to()),
        change.trigger(),
        actor(change.actor(), change.actorName()),
        change.reason(),
        change.requestId(),
        WireMapper.time(change.at()));
  }

  static AuditEntry entry(dev.stepflow.domain.AuditEntry entry) {
    return new AuditEntry(
        Long.toString(entry.id()),
        WireMapper.time(entry.at()),
        actor(entry.actor(), entry.actorName()),
        entry.action(),
        AuditEntry.MethodEnum.fromValue(entry.method()),
        entry.workflowName(),
        entry.instanceId(),
        entry.httpStatus(),
        entry.reason(),
        entry.requestId());
  }

  /**
   * The actor as recorded ({@code token:<id>}, {@code bulk:<job id>}, {@code engine}, or anything
   * else for the anonymous caller and for rows older than token ids) as the wire's type, id and
   * name.
   */
  static Actor actor(String actor, String name) {
    if (actor.startsWith(TOKEN_PREFIX)) {
      return new Actor(Actor.TypeEnum.TOKEN, actor.substring(TOKEN_PREFIX.length()), name);
    }
    if (actor.startsWith(BulkJob.ACTOR_PREFIX)) {
      return new Actor(
          Actor.TypeEnum.BULK_JOB, actor.substring(BulkJob.ACTOR_PREFIX.length()), name);
    }
    if (actor.equals(ENGINE)) {
      return new Actor(Actor.TypeEnum.ENGINE, null, null);
    }
    return new Actor(Actor.TypeEnum.ANONYMOUS, null, null);
  }
}
