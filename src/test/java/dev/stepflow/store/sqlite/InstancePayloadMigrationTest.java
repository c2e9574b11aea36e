package dev.stepflow.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V17 moves the long params and outputs of the instances of a store made before it out of their
 * rows, whole, to instance_payload; short ones stay, an instance with no long one gets no row
 * there, and the store reads every value back as before.
 */
class InstancePayloadMigrationTest {
  private static final String LONG_PARAMS = "{\"text\":\"" + "p".repeat(9_000) + "\"}";
  private static final String LONG_OUTPUT = "\"" + "o".repeat(1_100) + "\"";

  @TempDir Path dir;

  @Test
  void longParamsAndOutputsMoveToTheirTableAndEveryValueReadsTheSame() throws Exception {
    Path file = dir.resolve("stepflow.db");
    String url = "jdbc:sqlite:" + file;
    migrate(url, "16");
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO workflow (account_id, name, id, class_name, script_name, version_id,"
              + " created_on, modified_on) VALUES ('acct', 'wf', 'w1', 'C', 's', 'v1', 0, 0)");
      st.execute(instance(1, "long", "complete", "'" + LONG_PARAMS + "'", "'" + LONG_OUTPUT + "'"));
      st.execute(instance(2, "short", "complete", "'{\"a\":1}'", "'[1,2]'"));
      st.execute(instance(3, "neither", "queued", "NULL", "NULL"));
      st.execute(instance(4, "mixed", "complete", "'[3]'", "'" + LONG_OUTPUT + "'"));
    }

    migrate(url, "latest");

    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      assertThat(
              rows(
                  st,
                  "SELECT instance_seq, length(params_json), length(output_json)"
                      + " FROM instance_payload ORDER BY instance_seq"))
          .containsExactly(
              "1 " + LONG_PARAMS.length() + " " + LONG_OUTPUT.length(),
              "4 null " + LONG_OUTPUT.length());
      assertThat(rows(st, "SELECT seq, params_json, output_json FROM instance ORDER BY seq"))
          .containsExactly("1 null null", "2 {\"a\":1} [1,2]", "3 null null", "4 [3] null");
    }
    try (Database db = SqliteDatabase.open(dir, SqliteDatabase.Durability.PROCESS_CRASH)) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      assertThat(read(store, "long")).containsExactly(LONG_PARAMS, LONG_OUTPUT);
      assertThat(read(store, "short")).containsExactly("{\"a\":1}", "[1,2]");
      assertThat(read(store, "mixed")).containsExactly("[3]", LONG_OUTPUT);
      Instance neither = store.findInstance(new InstanceRef("acct", "wf", "neither")).orElseThrow();
      assertThat(neither.paramsJson()).isNull();
      assertThat(neither.outputJson()).isNull();
    }
  }

  /** The params and the output of instance {@code id}, as the store reads them. */
  private static List<String> read(JdbcInstanceStore store, String id) {
    Instance instance = store.findInstance(new InstanceRef("acct", "wf", id)).orElseThrow();
    return Arrays.asList(instance.paramsJson(), instance.outputJson());
  }

  private static void migrate(String url, String target) {
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration/sqlite")
        .target(target)
        .load()
        .migrate();
  }

  private static String instance(int seq, String id, String status, String params, String output) {
    return "INSERT INTO instance (seq, account_id, workflow_name, instance_id, status, workflow_id,"
        + " version_id, params_json, trigger_source, created_on, modified_on, queued_on,"
        + " status_changed_on, output_json) VALUES ("
        + seq
        + ", 'acct', 'wf', '"
        + id
        + "', '"
        + status
        + "', 'w1', 'v1', "
        + params
        + ", 'api', 0, 0, 0, 0, "
        + output
        + ")";
  }

  private static List<String> rows(Statement st, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i == 1 ? "" : " ").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
