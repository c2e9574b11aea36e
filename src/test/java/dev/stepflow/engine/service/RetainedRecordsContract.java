package dev.stepflow.engine.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.AuditEntry;
import dev.stepflow.domain.AuditQuery;
import dev.stepflow.domain.BulkAction;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.StoredAnswer;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcAuditStore;
import dev.stepflow.store.jdbc.JdbcBulkJobStore;
import dev.stepflow.store.jdbc.JdbcIdempotencyStore;
import dev.stepflow.store.jdbc.JdbcWorkflowStore;
import dev.stepflow.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is kept only for a while, on a real store: audit entries until the audit retention, and
 * idempotency keys for 24 hours, both deleted by {@link Housekeeping}; and what a key's holder
 * tells a repeat when the process that claimed it died before it kept an answer. A subclass opens
 * the store.
 */
abstract class RetainedRecordsContract {
  @TempDir Path dir;

  private Database db;
  private final TestClock clock = new TestClock();
  private AuditLog audit;

  protected abstract Database open(Path dir);

  @BeforeEach
  void openStore() {
    db = open(dir);
    audit = new AuditLog(new JdbcAuditStore(db), clock, Duration.ofDays(90));
  }

  @AfterEach
  void closeStore() {
    audit.close();
    db.close();
  }

  private IdempotencyKeys keys(boolean onlyServer) {
    return new IdempotencyKeys(new JdbcIdempotencyStore(db), clock, onlyServer);
  }

  private static AuditEntry entry(String action) {
    return new AuditEntry(
        0, "acct", null, "token:t1", "ops", action, "DELETE", "wf", "i1", 200, "why", "req-1");
  }

  private int auditCount() {
    return audit
        .list(
            new AuditQuery(
                "acct",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                100))
        .items()
        .size();
  }

  @Test
  void housekeepingDeletesAuditEntriesOlderThanTheRetentionOnly() {
    audit.record(entry("instance.delete"));
    clock.advance(Duration.ofDays(60));
    audit.record(entry("instance.create"));
    clock.advance(Duration.ofDays(31));
    Housekeeping housekeeping = new Housekeeping(audit, keys(true), new JdbcBulkJobStore(db));

    Housekeeping.Deleted deleted = housekeeping.round();

    assertThat(deleted.auditEntries()).isEqualTo(1);
    assertThat(auditCount()).isEqualTo(1);
  }

  @Test
  void housekeepingDeletesBulkJobsThatEndedLongerAgoThanTheAuditRetention() {
    WorkflowRef wf = new WorkflowRef("acct", "wf");
    new JdbcWorkflowStore(db)
        .putWorkflow(
            wf, new WorkflowDefinition("Scripted", "s", 100, Retention.FOREVER), clock.instant());
    JdbcBulkJobStore jobs = new JdbcBulkJobStore(db);
    BulkJob.Spec nothingSelected =
        new BulkJob.Spec(
            BulkAction.PAUSE,
            Optional.empty(),
            BulkJob.Filter.ALL,
            false,
            100,
            ChangeOrigin.of("token:t1"));
    jobs.create("old", wf, nothingSelected, Optional.empty(), null, clock.instant(), Set.of());
    clock.advance(Duration.ofDays(60));
    jobs.create("recent", wf, nothingSelected, Optional.empty(), null, clock.instant(), Set.of());
    clock.advance(Duration.ofDays(31));

    Housekeeping.Deleted deleted = new Housekeeping(audit, keys(true), jobs).round();

    assertThat(deleted.bulkJobs()).isEqualTo(1);
    assertThat(jobs.find(wf, "old")).isEmpty();
    assertThat(jobs.find(wf, "recent")).isPresent();
  }

  @Test
  void closingTheLogWritesWhatIsQueued() {
    for (int i = 0; i < 50; i++) {
      audit.record(entry("instance.event"));
    }
    audit.close();
    audit = new AuditLog(new JdbcAuditStore(db), clock, Duration.ofDays(90));

    assertThat(auditCount()).isEqualTo(50);
  }

  @Test
  void aKeyIsFreeAgainAfterTwentyFourHoursAndHousekeepingDeletesIt() {
    IdempotencyKeys keys = keys(true);
    assertThat(keys.claim("token:a", "k1", "first")).isEmpty();
    keys.keep("token:a", "k1", new StoredAnswer(200, Map.of(), "{}"));
    clock.advance(Duration.ofHours(23));
    assertThatThrownBy(() -> keys.claim("token:a", "k1", "other"))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.problems().getFirst().code())
                    .isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
    clock.advance(Duration.ofHours(1));

    assertThat(new Housekeeping(audit, keys, new JdbcBulkJobStore(db)).round().idempotencyKeys())
        .isEqualTo(1);
    assertThat(keys.claim("token:a", "k1", "other")).isEmpty();
  }

  @Test
  void aKeyOfAProcessThatDiedUnansweredIsAnUnknownOutcomeOnASingleServerStore() {
    assertThat(keys(true).claim("token:a", "k2", "f")).isEmpty();

    assertThatThrownBy(() -> keys(true).claim("token:a", "k2", "f"))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.problems().getFirst().code())
                    .isEqualTo(ErrorCode.IDEMPOTENCY_OUTCOME_UNKNOWN));
  }

  @Test
  void aKeyOfAnotherNodeIsInProgressForAMinuteOnASharedStore() {
    IdempotencyKeys otherNode = keys(false);
    assertThat(otherNode.claim("token:a", "k3", "f")).isEmpty();
    IdempotencyKeys thisNode = keys(false);

    assertThatThrownBy(() -> thisNode.claim("token:a", "k3", "f"))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.problems().getFirst().code())
                    .isEqualTo(ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS));
    clock.advance(IdempotencyKeys.IN_FLIGHT_LIMIT.plusSeconds(1));
    assertThatThrownBy(() -> thisNode.claim("token:a", "k3", "f"))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.problems().getFirst().code())
                    .isEqualTo(ErrorCode.IDEMPOTENCY_OUTCOME_UNKNOWN));
  }

  @Test
  void aReleasedKeyCanBeClaimedAgain() {
    IdempotencyKeys keys = keys(true);
    assertThat(keys.claim("token:a", "k4", "f")).isEmpty();
    keys.release("token:a", "k4");

    assertThat(keys.claim("token:a", "k4", "f")).isEmpty();
  }
}
