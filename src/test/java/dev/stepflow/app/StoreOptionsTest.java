package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code stepflow serve}'s store options become the StoreSettings the server opens. */
class StoreOptionsTest {

  private static StoreSettings parse(String... args) {
    Main.Serve serve = new Main.Serve();
    new CommandLine(serve).parseArgs(args);
    return serve.storeSettings();
  }

  @Test
  void sqliteIsChosenByName() {
    assertThat(parse("--store", "sqlite")).isEqualTo(StoreSettings.SQLITE);
  }

  @Test
  void postgresTakesTheUrlTheCredentialsAndThePoolSize() {
    StoreSettings settings =
        parse(
            "--store",
            "postgres",
            "--db-url",
            "jdbc:postgresql://db:5432/stepflow",
            "--db-user",
            "app",
            "--db-password",
            "secret",
            "--db-pool-size",
            "4");
    assertThat(settings)
        .isEqualTo(
            StoreSettings.postgres("jdbc:postgresql://db:5432/stepflow", "app", "secret", 4));
    assertThat(settings.toString()).doesNotContain("secret");
  }

  @Test
  void postgresWithoutAPostgresqlJdbcUrlIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> parse("--store", "postgres", "--db-url", "postgres://db/stepflow"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--db-url jdbc:postgresql://");
  }

  @Test
  void anUnknownStoreIsRefused() {
    assertThatThrownBy(() -> parse("--store", "oracle"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("sqlite or postgres");
  }
}
