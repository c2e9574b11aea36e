package dev.stepflow.store.sqlite;

import static dev.stepflow.store.sqlite.SqliteMigrations.migrate;
import static dev.stepflow.store.sqlite.SqliteMigrations.rows;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V9 moves step outputs out of the step rows of a store made before it: each output goes whole to
 * step_output, and its step keeps the first 1,025 characters as its preview.
 */
class StepOutputsMigrationTest {
  private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration/sqlite");
  private static final Pattern VERSION = Pattern.compile("V(\\d+)__.+\\.sql");
  private static final String LONG = "\"" + "x".repeat(3_000) + "\"";

  @TempDir Path dir;

  @Test
  void outputsMoveToTheirTableAndStepsKeepAPreview() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("old.db");
    migrate(url, String.valueOf(versionBefore(9)));
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      // foreign keys are off on this bare connection: the steps need no instance for the test
      st.execute(step(0, "'" + LONG + "'"));
      st.execute(step(1, "'{\"small\":true}'"));
      st.execute(step(2, "NULL"));
    }

    migrate(url, "latest");

    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      assertThat(rows(st, "SELECT step_seq, output_json FROM step_output ORDER BY step_seq"))
          .containsExactly("0 " + LONG, "1 {\"small\":true}");
      assertThat(rows(st, "SELECT step_seq, output_preview FROM step ORDER BY step_seq"))
          .containsExactly("0 " + LONG.substring(0, 1025), "1 {\"small\":true}", "2 null");
      assertThat(rows(st, "SELECT name FROM pragma_table_info('step')"))
          .doesNotContain("output_json");
    }
  }

  /** The newest migration before {@code version}, whichever exist besides this change's. */
  private static int versionBefore(int version) throws IOException {
    try (Stream<Path> files = Files.list(MIGRATIONS)) {
      return files
          .map(f -> VERSION.matcher(f.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1)))
          .filter(v -> v < version)
          .max()
          .orElseThrow();
    }
  }

  private static String step(int seq, String output) {
    return "INSERT INTO step (instance_seq, step_seq, type, name, count, status, started_on,"
        + " output_json) VALUES (1, "
        + seq
        + ", 'do', 's"
        + seq
        + "', 1, 'complete', 0, "
        + output
        + ")";
  }
}
