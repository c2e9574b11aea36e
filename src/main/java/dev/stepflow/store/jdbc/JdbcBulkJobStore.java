package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.execute;

import dev.stepflow.domain.BulkAction;
import dev.stepflow.domain.BulkItem;
import dev.stepflow.domain.BulkJob;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.WorkflowException;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.BulkItemReceipt;
import dev.stepflow.store.BulkJobStore;
import dev.stepflow.store.ItemAlreadySettled;
import dev.stepflow.store.jdbc.BulkSelection.Selected;
import dev.stepflow.store.jdbc.SqlDialect.RowLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@link BulkJobStore} in portable SQL over a {@link Database}. */
public final class JdbcBulkJobStore implements BulkJobStore {
  private static final String WORKFLOW_ROW =
      "SELECT 1 FROM workflow WHERE account_id = ? AND name = ?";
  private static final String RUNNING_WITH_ACTION =
      "SELECT COUNT(*) FROM bulk_job WHERE account_id = ? AND workflow_name = ? AND state = ?"
          + " AND action IN (%s)";
  private static final String INSERT_JOB =
      """
      INSERT INTO bulk_job (job_id, account_id, workflow_name, action, rollback, from_type, from_name,
        from_count, filter_statuses, filter_created_after, filter_created_before, filter_ids, dry_run,
        reason, actor, actor_name, request_id, max_per_second, state, matched, applied, skipped, failed, cancelled, pending,
        would_apply, would_skip, created_on, ended_on, owner_node, lease_until)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?, ?, ?, ?, ?, ?)""";
  private static final String SET_PREVIEW_COUNTS =
      "UPDATE bulk_job SET would_apply = ?, would_skip = ? WHERE seq = ?";
  private static final String JOB_SEQ = "SELECT seq FROM bulk_job WHERE job_id = ?";
  private static final String LIST =
      "SELECT "
          + BulkJobRows.JOB_FIELDS
          + " FROM bulk_job WHERE account_id = ? AND workflow_name = ?";
  private static final String COUNT_OF_WORKFLOW =
      "SELECT COUNT(*) FROM bulk_job WHERE account_id = ? AND workflow_name = ?";
  private static final String CANCEL_JOB =
      """
      UPDATE bulk_job SET state = ?, ended_on = ?, cancelled = cancelled + pending, pending = 0,
             owner_node = NULL, lease_until = NULL
       WHERE job_id = ? AND state = ?""";
  private static final String CANCEL_ITEMS =
      "UPDATE bulk_job_item SET outcome = ?, done_on = ? WHERE job_seq = ? AND outcome = ?";
  private static final String CLAIMABLE =
      """
      SELECT job_id FROM bulk_job
       WHERE state = ? AND (owner_node IS NULL OR lease_until < ? OR owner_node = ?) ORDER BY seq""";
  private static final String CLAIM =
      """
      UPDATE bulk_job SET owner_node = ?, lease_until = ?
       WHERE job_id = ? AND state = ? AND (owner_node IS NULL OR lease_until < ? OR owner_node = ?)""";
  private static final String RENEW =
      "UPDATE bulk_job SET lease_until = ? WHERE job_id = ? AND state = ? AND owner_node = ?";
  private static final String PENDING =
      BulkJobRows.ITEMS_AFTER.replace("job_seq = ?", "job_seq = (" + JOB_SEQ + ")")
          + " AND outcome = ? ORDER BY position LIMIT ?";
  private static final String COMPLETE =
      """
      UPDATE bulk_job SET state = ?, ended_on = ?, owner_node = NULL, lease_until = NULL
       WHERE job_id = ? AND state = ? AND owner_node = ? AND pending = 0""";
  private static final String RELEASE =
      "UPDATE bulk_job SET owner_node = NULL, lease_until = NULL WHERE owner_node = ? AND state = ?";

  private static final String RUNNING = WireNames.bulkJobState(BulkJob.State.RUNNING);
  private static final String PENDING_OUTCOME = WireNames.bulkItemOutcome(BulkItem.Outcome.PENDING);

  /**
   * A job's ended_on is set when, and only when, it ends; its items go with it (ON DELETE CASCADE).
   */
  private static final String PURGE_ENDED = "DELETE FROM bulk_job WHERE ended_on < ?";

  private final Database db;
  private final String lockedWorkflowRow;
  private final int maxItems;

  public JdbcBulkJobStore(Database db) {
    this(db, BulkJob.MAX_ITEMS);
  }

  /** A store whose jobs take at most {@code maxItems} instances (the tests' small cap). */
  public JdbcBulkJobStore(Database db, int maxItems) {
    this.db = db;
    this.maxItems = maxItems;
    // the workflow's row serializes the creation of its jobs (one terminate-all at a time) and
    // keeps the workflow from being deleted while its selection is written
    this.lockedWorkflowRow = WORKFLOW_ROW + db.dialect().lock(RowLock.UPDATE);
  }

  @Override
  public Optional<BulkJob> create(
      String jobId,
      WorkflowRef workflow,
      BulkJob.Spec spec,
      Optional<Preview> preview,
      Lease lease,
      Instant now,
      Set<BulkAction> unlessRunning) {
    return db.write(
        c -> {
          if (Columns.count(c, lockedWorkflowRow, workflow.accountId(), workflow.workflowName())
              == 0) {
            throw WorkflowException.workflowNotFound(workflow.accountId(), workflow.workflowName());
          }
          if (!unlessRunning.isEmpty() && runningWith(c, workflow, unlessRunning)) {
            return Optional.empty();
          }
          List<Selected> selected = BulkSelection.select(c, workflow, spec.filter(), maxItems);
          boolean ended = preview.isPresent() || selected.isEmpty();
          insertJob(c, jobId, workflow, spec, selected.size(), ended ? null : lease, now);
          long seq = Columns.count(c, JOB_SEQ, jobId);
          int[] counts = BulkSelection.writeItems(c, seq, selected, preview, now);
          execute(
              c,
              SET_PREVIEW_COUNTS,
              counts[BulkItem.Outcome.WOULD_APPLY.ordinal()],
              counts[BulkItem.Outcome.WOULD_SKIP.ordinal()],
              seq);
          return BulkJobRows.find(c, BulkJobRows.JOB_BY_ID, jobId);
        });
  }

  private static boolean runningWith(Connection c, WorkflowRef workflow, Set<BulkAction> actions)
      throws SQLException {
    String names =
        actions.stream()
            .map(a -> "'" + WireNames.bulkAction(a) + "'")
            .collect(Collectors.joining(", "));
    return Columns.count(
            c,
            RUNNING_WITH_ACTION.formatted(names),
            workflow.accountId(),
            workflow.workflowName(),
            RUNNING)
        > 0;
  }

  /** The job row; {@code lease} null for a job that ends at once (dry run, nothing selected). */
  private static void insertJob(
      Connection c,
      String jobId,
      WorkflowRef workflow,
      BulkJob.Spec spec,
      int matched,
      Lease lease,
      Instant now)
      throws SQLException {
    BulkJob.State state = lease == null ? BulkJob.State.COMPLETE : BulkJob.State.RUNNING;
    var from = spec.restartFrom();
    execute(
        c,
        INSERT_JOB,
        jobId,
        workflow.accountId(),
        workflow.workflowName(),
        WireNames.bulkAction(spec.action()),
        spec.action() == BulkAction.TERMINATE_WITH_ROLLBACK ? 1 : 0,
        from.map(f -> WireNames.stepKind(f.kind())).orElse(null),
        from.map(f -> f.name()).orElse(null),
        from.map(f -> f.count()).orElse(null),
        BulkJobRows.statusesText(spec.filter().statuses()),
        spec.filter().createdAfter().orElse(null),
        spec.filter().createdBefore().orElse(null),
        BulkJobRows.idsText(spec.filter().ids()),
        spec.dryRun() ? 1 : 0,
        spec.reason().orElse(null),
        spec.startedBy().actor(),
        spec.startedBy().actorName(),
        spec.startedBy().requestId(),
        spec.maxPerSecond(),
        WireNames.bulkJobState(state),
        matched,
        spec.dryRun() ? 0 : matched,
        0,
        0,
        now,
        lease == null ? now : null,
        lease == null ? null : lease.node(),
        lease == null ? null : lease.until());
  }

  @Override
  public Optional<BulkJob> find(WorkflowRef workflow, String jobId) {
    return db.read(c -> findOf(c, workflow, jobId));
  }

  private static Optional<BulkJob> findOf(Connection c, WorkflowRef workflow, String jobId)
      throws SQLException {
    return BulkJobRows.find(
        c, BulkJobRows.JOB_OF_WORKFLOW, jobId, workflow.accountId(), workflow.workflowName());
  }

  @Override
  public Page<BulkJob> list(
      WorkflowRef workflow, Optional<BulkJob.State> state, Optional<Long> beforeSeq, int limit) {
    StringBuilder where = new StringBuilder();
    List<Object> values = new ArrayList<>(List.of(workflow.accountId(), workflow.workflowName()));
    state.ifPresent(
        s -> {
          where.append(" AND state = ?");
          values.add(WireNames.bulkJobState(s));
        });
    return db.read(
        c -> {
          long total = Columns.count(c, COUNT_OF_WORKFLOW + where, values.toArray());
          List<Object> pageValues = new ArrayList<>(values);
          String after = "";
          if (beforeSeq.isPresent()) {
            after = " AND seq < ?";
            pageValues.add(beforeSeq.get());
          }
          pageValues.add(limit + 1);
          List<BulkJob> jobs = new ArrayList<>();
          List<Long> seqs = new ArrayList<>();
          try (PreparedStatement ps =
                  bind(
                      c.prepareStatement(LIST + where + after + " ORDER BY seq DESC LIMIT ?"),
                      pageValues.toArray());
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              jobs.add(BulkJobRows.job(rs));
              seqs.add(rs.getLong("seq"));
            }
          }
          if (jobs.size() <= limit) {
            return new Page<>(jobs, total, null);
          }
          return new Page<>(
              List.copyOf(jobs.subList(0, limit)), total, Long.toString(seqs.get(limit - 1)));
        });
  }

  @Override
  public Optional<Page<BulkItem>> items(
      WorkflowRef workflow,
      String jobId,
      Optional<BulkItem.Outcome> outcome,
      Optional<Long> afterPosition,
      int limit) {
    return db.read(
        c -> {
          Optional<BulkJob> job = findOf(c, workflow, jobId);
          if (job.isEmpty()) {
            return Optional.<Page<BulkItem>>empty();
          }
          long seq = Columns.count(c, JOB_SEQ, jobId);
          String filter = outcome.isPresent() ? " AND outcome = ?" : "";
          List<Object> values = new ArrayList<>();
          values.add(seq);
          outcome.ifPresent(o -> values.add(WireNames.bulkItemOutcome(o)));
          long total =
              Columns.count(
                  c,
                  "SELECT COUNT(*) FROM bulk_job_item WHERE job_seq = ?" + filter,
                  values.toArray());
          values.add(1, afterPosition.orElse(Long.MIN_VALUE));
          values.add(limit + 1);
          List<BulkItem> items =
              readItems(
                  c,
                  BulkJobRows.ITEMS_AFTER + filter + " ORDER BY position LIMIT ?",
                  values.toArray());
          if (items.size() <= limit) {
            return Optional.of(new Page<>(items, total, null));
          }
          List<BulkItem> shown = List.copyOf(items.subList(0, limit));
          return Optional.of(new Page<>(shown, total, Long.toString(shown.getLast().position())));
        });
  }

  private static List<BulkItem> readItems(Connection c, String sql, Object... values)
      throws SQLException {
    List<BulkItem> items = new ArrayList<>();
    try (PreparedStatement ps = bind(c.prepareStatement(sql), values);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        items.add(BulkJobRows.item(rs));
      }
    }
    return items;
  }

  @Override
  public boolean anyRunning(WorkflowRef workflow, Set<BulkAction> actions) {
    return db.read(c -> runningWith(c, workflow, actions));
  }

  @Override
  public Optional<BulkJob> cancel(WorkflowRef workflow, String jobId, Instant now) {
    return db.write(
        c -> {
          Optional<BulkJob> job = findOf(c, workflow, jobId);
          if (job.isEmpty()) {
            return job;
          }
          String cancelled = WireNames.bulkJobState(BulkJob.State.CANCELLED);
          // the job row first, then its items: the order every item's outcome is written in
          if (execute(c, CANCEL_JOB, cancelled, now, jobId, RUNNING) > 0) {
            execute(
                c,
                CANCEL_ITEMS,
                WireNames.bulkItemOutcome(BulkItem.Outcome.CANCELLED),
                now,
                Columns.count(c, JOB_SEQ, jobId),
                PENDING_OUTCOME);
          }
          return findOf(c, workflow, jobId);
        });
  }

  @Override
  public List<String> claimable(String node, Instant now) {
    return db.read(
        c -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement ps = bind(c.prepareStatement(CLAIMABLE), RUNNING, now, node);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          return ids;
        });
  }

  @Override
  public Optional<BulkJob> claim(String jobId, Lease lease, Instant now) {
    return db.write(
        c -> {
          if (execute(c, CLAIM, lease.node(), lease.until(), jobId, RUNNING, now, lease.node())
              == 0) {
            return Optional.<BulkJob>empty();
          }
          return BulkJobRows.find(c, BulkJobRows.JOB_BY_ID, jobId);
        });
  }

  @Override
  public boolean renew(String jobId, Lease lease) {
    return db.write(c -> execute(c, RENEW, lease.until(), jobId, RUNNING, lease.node()) > 0);
  }

  @Override
  public List<BulkItem> pending(String jobId, long afterPosition, int limit) {
    return db.read(c -> readItems(c, PENDING, jobId, afterPosition, PENDING_OUTCOME, limit));
  }

  @Override
  public boolean settle(BulkItemReceipt receipt, BulkItem.Result result, Instant at) {
    try {
      return db.write(
          c -> {
            BulkJobRows.settle(c, receipt, result, at);
            return true;
          });
    } catch (ItemAlreadySettled e) {
      return false;
    }
  }

  @Override
  public Optional<BulkJob> completeIfDone(String jobId, String node, Instant now) {
    return db.write(
        c -> {
          execute(
              c,
              COMPLETE,
              WireNames.bulkJobState(BulkJob.State.COMPLETE),
              now,
              jobId,
              RUNNING,
              node);
          return BulkJobRows.find(c, BulkJobRows.JOB_BY_ID, jobId);
        });
  }

  @Override
  public void release(String node) {
    db.write(c -> execute(c, RELEASE, node, RUNNING));
  }

  @Override
  public int purgeEndedBefore(Instant cutoff) {
    return db.write(c -> execute(c, PURGE_ENDED, cutoff));
  }
}
