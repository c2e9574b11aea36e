package dev.stepflow.store.sqlite;

import static dev.stepflow.store.sqlite.SqliteMigrations.migrate;
import static dev.stepflow.store.sqlite.SqliteMigrations.rows;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V17 marks the instances of a store made before it whose version has a concurrency limit, so that
 * the dispatcher finds them in their own index (and every other queued instance in the other).
 */
class QueuedApartMigrationTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void instancesOfLimitedVersionsAreMarkedAndIndexedApart() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("old.db");
    migrate(url, "16");
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      // foreign keys are off on this bare connection: the versions need no workflow row
      st.execute(version("v-limited", "2"));
      st.execute(version("v-free", "NULL"));
      st.execute(instance("a", "v-limited", "queued"));
      st.execute(instance("b", "v-free", "queued"));
      st.execute(instance("c", "v-limited", "complete"));
    }

    migrate(url, "latest");

    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      assertThat(rows(st, "SELECT instance_id, concurrency_limited FROM instance ORDER BY seq"))
          .containsExactly("a 1", "b 0", "c 1");
      assertThat(
              rows(
                  st,
                  "SELECT instance_id FROM instance INDEXED BY instance_queued_limited"
                      + " WHERE status = 'queued' AND concurrency_limited = 1"
                      + " AND account_id = 'acct' AND workflow_name = 'wf'"))
          .containsExactly("a");
    }
  }

  private static String version(String id, String limit) {
    return """
        INSERT INTO workflow_version (id, account_id, workflow_name, workflow_id, class_name,
                                      script_name, step_limit, created_on, concurrency_limit)
        VALUES ('%s', 'acct', 'wf', 'w', 'Scripted', 's', 100, 0, %s)"""
        .formatted(id, limit);
  }

  private static String instance(String id, String version, String status) {
    return """
        INSERT INTO instance (account_id, workflow_name, instance_id, status, workflow_id,
                              version_id, trigger_source, created_on, modified_on, queued_on,
                              status_changed_on)
        VALUES ('acct', 'wf', '%s', '%s', 'w', '%s', 'api', 0, 0, 0, 0)"""
        .formatted(id, status, version);
  }
}
