package dev.stepflow.store.jdbc;

import static dev.stepflow.store.jdbc.Columns.bind;
import static dev.stepflow.store.jdbc.Columns.execute;
import static dev.stepflow.store.jdbc.Columns.instant;

import dev.stepflow.domain.Account;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.WireNames;
import dev.stepflow.domain.Workflow;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.domain.WorkflowVersion;
import dev.stepflow.store.WorkflowStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link WorkflowStore} in portable SQL over a {@link Database}. */
public final class JdbcWorkflowStore implements WorkflowStore {

  private static final String FIND_WORKFLOW =
      """
      SELECT account_id, name, id, class_name, script_name, version_id, created_on, modified_on,
             triggered_on
        FROM workflow WHERE account_id = ? AND name = ?""";

  /**
   * Creates the workflow or points it at a new version, in one statement, so that two first PUTs of
   * one name from different connections do not both try to insert it. An existing workflow keeps
   * its id and creation time.
   */
  private static final String UPSERT_WORKFLOW =
      """
      INSERT INTO workflow (account_id, name, id, class_name, script_name, version_id, created_on,
                            modified_on)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (account_id, name) DO UPDATE
         SET class_name = excluded.class_name, script_name = excluded.script_name,
             version_id = excluded.version_id, modified_on = excluded.modified_on
      RETURNING id""";

  private static final String INSERT_VERSION =
      """
      INSERT INTO workflow_version (id, account_id, workflow_name, workflow_id, class_name,
                                    script_name, step_limit, success_retention_ms,
                                    error_retention_ms, concurrency_limit, on_failure,
                                    created_on)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
  private static final String INSERT_SCHEDULE =
      """
      INSERT INTO workflow_schedule (version_id, cron, position, since_on)
      VALUES (?, ?, ?, ?)""";
  private static final String SCHEDULES_OF_VERSION =
      "SELECT cron FROM workflow_schedule WHERE version_id = ? ORDER BY position";
  private static final String LIST_WORKFLOWS =
      """
      SELECT account_id, name, id, class_name, script_name, version_id, created_on, modified_on,
             triggered_on
        FROM workflow WHERE account_id = ? AND LOWER(name) LIKE ? ESCAPE '!'
       ORDER BY name LIMIT ? OFFSET ?""";
  private static final String COUNT_WORKFLOWS =
      "SELECT COUNT(*) FROM workflow WHERE account_id = ? AND LOWER(name) LIKE ? ESCAPE '!'";
  private static final String DELETE_WORKFLOW =
      "DELETE FROM workflow WHERE account_id = ? AND name = ?";

  /**
   * A workflow's deletion deletes its instances in the statuses that allow it first; on PostgreSQL
   * a row that a concurrent move holds is waited for and judged by its new status, so an instance
   * that has just moved into a status that refuses deletion is kept and holds the deletion.
   */
  private static final String DELETE_DELETABLE_INSTANCES =
      "DELETE FROM instance WHERE account_id = ? AND workflow_name = ? AND status IN (%s)";

  /** The instances left in a status that refuses deletion, which hold the workflow's deletion. */
  private static final String HELD_INSTANCES =
      """
      SELECT instance_id, status FROM instance
       WHERE account_id = ? AND workflow_name = ? AND status NOT IN (%s)
       ORDER BY seq LIMIT ?""";

  private static final String COUNT_HELD_INSTANCES =
      """
      SELECT COUNT(*) FROM instance
       WHERE account_id = ? AND workflow_name = ? AND status NOT IN (%s)""";

  /** How many of the instances that held a workflow's deletion its answer names. */
  private static final int HELD_NAMED = 5;

  /**
   * A workflow's kept counts (V6: instance_count, plus on PostgreSQL the deltas not folded yet): a
   * few rows, where counting the instances read every one of them on each GET of the workflow.
   */
  private static final String KEPT_COUNTS_BY_STATUS =
      """
      SELECT status, SUM(n) FROM (
        SELECT status, n FROM instance_count WHERE account_id = ? AND workflow_name = ?
        UNION ALL
        SELECT status, n FROM instance_count_delta WHERE account_id = ? AND workflow_name = ?
      ) counted
       GROUP BY status HAVING SUM(n) > 0""";

  /** instance_count plus the deltas not folded yet (PostgreSQL), for the first names. */
  private static final String KEPT_COUNTS_BY_NAME =
      """
      SELECT workflow_name, status, SUM(n) FROM (
        SELECT workflow_name, status, n FROM instance_count
        UNION ALL SELECT workflow_name, status, n FROM instance_count_delta) counted
       WHERE workflow_name IN (SELECT DISTINCT workflow_name FROM instance_count
                                ORDER BY workflow_name LIMIT ?)
       GROUP BY workflow_name, status""";

  private static final String VERSION_COLUMNS =
      """
      SELECT id, workflow_id, account_id, workflow_name, class_name, script_name, step_limit,
             success_retention_ms, error_retention_ms, created_on FROM workflow_version""";
  private static final String LIST_VERSIONS =
      VERSION_COLUMNS
          + " WHERE account_id = ? AND workflow_name = ? ORDER BY seq DESC LIMIT ? OFFSET ?";
  private static final String COUNT_VERSIONS =
      "SELECT COUNT(*) FROM workflow_version WHERE account_id = ? AND workflow_name = ?";
  private static final String FIND_VERSION =
      VERSION_COLUMNS + " WHERE account_id = ? AND workflow_name = ? AND id = ?";
  private static final String LIST_ACCOUNTS =
      """
      SELECT account_id, MIN(created_on) AS created_on FROM workflow GROUP BY account_id
       ORDER BY MIN(created_on), account_id LIMIT ? OFFSET ?""";
  private static final String COUNT_ACCOUNTS = "SELECT COUNT(DISTINCT account_id) FROM workflow";
  private static final String FIND_ACCOUNT =
      "SELECT MIN(created_on) AS created_on FROM workflow WHERE account_id = ?";

  private final Database db;

  public JdbcWorkflowStore(Database db) {
    this.db = db;
  }

  @Override
  public WorkflowVersion putWorkflow(WorkflowRef ref, WorkflowDefinition def, Instant now) {
    return db.write(
        c -> {
          String versionId = UUID.randomUUID().toString();
          String workflowId = upsertWorkflow(c, ref, def, versionId, now);
          WorkflowVersion version =
              new WorkflowVersion(
                  versionId,
                  workflowId,
                  ref,
                  def.className(),
                  def.scriptName(),
                  def.stepLimit(),
                  def.defaultRetention(),
                  now);
          execute(
              c,
              INSERT_VERSION,
              versionId,
              ref.accountId(),
              ref.workflowName(),
              workflowId,
              def.className(),
              def.scriptName(),
              def.stepLimit(),
              def.defaultRetention().successMillis(),
              def.defaultRetention().errorMillis(),
              def.concurrencyLimit(),
              WireNames.failurePolicy(def.onFailure()),
              now);
          for (int i = 0; i < def.schedules().size(); i++) {
            execute(c, INSERT_SCHEDULE, versionId, def.schedules().get(i), i, now);
          }
          return version;
        });
  }

  /** The id of the workflow, new or kept. */
  private static String upsertWorkflow(
      Connection c, WorkflowRef ref, WorkflowDefinition def, String versionId, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
            bind(
                c.prepareStatement(UPSERT_WORKFLOW),
                ref.accountId(),
                ref.workflowName(),
                UUID.randomUUID().toString(),
                def.className(),
                def.scriptName(),
                versionId,
                now,
                now);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Override
  public List<String> schedules(String versionId) {
    return db.read(
        c -> {
          List<String> crons = new ArrayList<>();
          try (PreparedStatement ps = bind(c.prepareStatement(SCHEDULES_OF_VERSION), versionId);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              crons.add(rs.getString(1));
            }
          }
          return crons;
        });
  }

  @Override
  public Optional<Workflow> findWorkflow(WorkflowRef ref) {
    return db.read(c -> findWorkflow(c, ref, ""));
  }

  /** The workflow, read under {@code rowLock} (a {@link SqlDialect#lock} clause, or none). */
  static Optional<Workflow> findWorkflow(Connection c, WorkflowRef ref, String rowLock)
      throws SQLException {
    try (PreparedStatement ps =
            bind(c.prepareStatement(FIND_WORKFLOW + rowLock), ref.accountId(), ref.workflowName());
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(workflow(rs)) : Optional.empty();
    }
  }

  @Override
  public Page<Workflow> listWorkflows(
      String accountId, Optional<String> nameContains, long offset, int limit) {
    String filter = "%" + likeEscaped(nameContains.orElse("").toLowerCase(Locale.ROOT)) + "%";
    return db.read(
        c -> {
          List<Workflow> items = new ArrayList<>();
          try (PreparedStatement ps =
                  bind(c.prepareStatement(LIST_WORKFLOWS), accountId, filter, limit, offset);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              items.add(workflow(rs));
            }
          }
          return new Page<>(items, Columns.count(c, COUNT_WORKFLOWS, accountId, filter), null);
        });
  }

  @Override
  public Deletion deleteWorkflow(WorkflowRef ref, Set<Status> deletableStatuses) {
    String deletable = WireLiterals.quoted(deletableStatuses);
    try {
      return db.write(
          c -> {
            execute(
                c,
                DELETE_DELETABLE_INSTANCES.formatted(deletable),
                ref.accountId(),
                ref.workflowName());
            List<HeldInstance> held = heldInstances(c, ref, deletable);
            if (!held.isEmpty()) {
              long count =
                  Columns.count(
                      c,
                      COUNT_HELD_INSTANCES.formatted(deletable),
                      ref.accountId(),
                      ref.workflowName());
              throw new Held(new Deletion(true, held, count));
            }
            boolean found = execute(c, DELETE_WORKFLOW, ref.accountId(), ref.workflowName()) > 0;
            return new Deletion(found, List.of(), 0);
          });
    } catch (Held refused) {
      return refused.deletion;
    }
  }

  private static List<HeldInstance> heldInstances(Connection c, WorkflowRef ref, String deletable)
      throws SQLException {
    List<HeldInstance> held = new ArrayList<>();
    try (PreparedStatement ps =
            bind(
                c.prepareStatement(HELD_INSTANCES.formatted(deletable)),
                ref.accountId(),
                ref.workflowName(),
                HELD_NAMED);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        held.add(
            new HeldInstance(
                rs.getString(1), WireNames.parseStatus(rs.getString(2)).orElseThrow()));
      }
    }
    return held;
  }

  /**
   * Thrown out of a workflow's deletion that instances refused, so that the instances it deleted
   * before it found them are rolled back with it.
   */
  private static final class Held extends RuntimeException {
    private final transient Deletion deletion;

    Held(Deletion deletion) {
      super(null, null, false, false);
      this.deletion = deletion;
    }
  }

  @Override
  public Map<Status, Long> countInstances(WorkflowRef ref) {
    return db.read(
        c -> {
          Map<Status, Long> counts = new EnumMap<>(Status.class);
          try (PreparedStatement ps =
                  bind(
                      c.prepareStatement(KEPT_COUNTS_BY_STATUS),
                      ref.accountId(),
                      ref.workflowName(),
                      ref.accountId(),
                      ref.workflowName());
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              counts.put(WireNames.parseStatus(rs.getString(1)).orElseThrow(), rs.getLong(2));
            }
          }
          return counts;
        });
  }

  @Override
  public Map<String, Map<Status, Long>> keptCountsByWorkflowName(int maxNames) {
    return db.read(
        c -> {
          Map<String, Map<Status, Long>> counts = new java.util.TreeMap<>();
          try (PreparedStatement ps = bind(c.prepareStatement(KEPT_COUNTS_BY_NAME), maxNames);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Optional<Status> status = WireNames.parseStatus(rs.getString(2));
              if (status.isPresent() && rs.getLong(3) > 0) {
                counts
                    .computeIfAbsent(rs.getString(1), k -> new EnumMap<>(Status.class))
                    .put(status.get(), rs.getLong(3));
              }
            }
          }
          return counts;
        });
  }

  @Override
  public Page<WorkflowVersion> listVersions(WorkflowRef ref, long offset, int limit) {
    return db.read(
        c -> {
          List<WorkflowVersion> items = new ArrayList<>();
          try (PreparedStatement ps =
                  bind(
                      c.prepareStatement(LIST_VERSIONS),
                      ref.accountId(),
                      ref.workflowName(),
                      limit,
                      offset);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              items.add(version(rs));
            }
          }
          long total = Columns.count(c, COUNT_VERSIONS, ref.accountId(), ref.workflowName());
          return new Page<>(items, total, null);
        });
  }

  @Override
  public Optional<WorkflowVersion> findVersion(WorkflowRef ref, String versionId) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
                  bind(
                      c.prepareStatement(FIND_VERSION),
                      ref.accountId(),
                      ref.workflowName(),
                      versionId);
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(version(rs)) : Optional.empty();
          }
        });
  }

  @Override
  public Page<Account> listAccounts(long offset, int limit) {
    return db.read(
        c -> {
          List<Account> items = new ArrayList<>();
          try (PreparedStatement ps = bind(c.prepareStatement(LIST_ACCOUNTS), limit, offset);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              items.add(new Account(rs.getString("account_id"), instant(rs, "created_on")));
            }
          }
          return new Page<>(items, Columns.count(c, COUNT_ACCOUNTS), null);
        });
  }

  @Override
  public Optional<Account> findAccount(String accountId) {
    return db.read(
        c -> {
          try (PreparedStatement ps = bind(c.prepareStatement(FIND_ACCOUNT), accountId);
              ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getObject("created_on") != null
                ? Optional.of(new Account(accountId, instant(rs, "created_on")))
                : Optional.<Account>empty();
          }
        });
  }

  /** Workflow names may hold '_', a LIKE wildcard; '!' is the escape character in the queries. */
  private static String likeEscaped(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private static Workflow workflow(ResultSet rs) throws SQLException {
    return new Workflow(
        new WorkflowRef(rs.getString("account_id"), rs.getString("name")),
        rs.getString("id"),
        rs.getString("class_name"),
        rs.getString("script_name"),
        rs.getString("version_id"),
        instant(rs, "created_on"),
        instant(rs, "modified_on"),
        instant(rs, "triggered_on"));
  }

  private static WorkflowVersion version(ResultSet rs) throws SQLException {
    return new WorkflowVersion(
        rs.getString("id"),
        rs.getString("workflow_id"),
        new WorkflowRef(rs.getString("account_id"), rs.getString("workflow_name")),
        rs.getString("class_name"),
        rs.getString("script_name"),
        rs.getInt("step_limit"),
        new Retention(
            Columns.nullableLong(rs, "success_retention_ms"),
            Columns.nullableLong(rs, "error_retention_ms")),
        instant(rs, "created_on"));
  }
}
