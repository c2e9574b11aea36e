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
  void sqliteIsTheDefaultAndIsChosenByName() {
    assertThat(parse()).isEqualTo(StoreSettings.SQLITE);
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
            "1");
    assertThat(settings)
        .isEqualTo(
            StoreSettings.postgres("jdbc:postgresql://db:5432/stepflow", "app", "secret", 1));
    assertThat(settings.toString()).doesNotContain("secret");
  }

  @Test
  void postgresOpensSixteenConnectionsAtMostUnlessToldOtherwise() {
    StoreSettings settings =
        parse("--store", "postgres", "--db-url", "jdbc:postgresql://db:5432/stepflow");
    assertThat(settings.poolSize()).isEqualTo(16).isEqualTo(StoreSettings.DEFAULT_POOL_SIZE);
  }

  @Test
  void aPoolOfNoConnectionsIsRefusedNamingTheOption() {
    assertThatThrownBy(
            () ->
                parse(
                    "--store",
                    "postgres",
                    "--db-url",
                    "jdbc:postgresql://db:5432/stepflow",
                    "--db-pool-size",
                    "0"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--db-pool-size must be at least 1 (found: 0)");
  }

  @Test
  void postgresWithoutAPostgresqlJdbcUrlIsRefusedNamingTheOptionButNotThePassword() {
    assertThatThrownBy(
            () -> parse("--store", "postgres", "--db-url", "postgres://db/stepflow?password=pw1"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage(
            "--store postgres needs --db-url jdbc:postgresql://HOST:PORT/DATABASE"
                + " (or STEPFLOW_DB_URL); found: postgres://db/stepflow");
    assertThatThrownBy(() -> parse("--store", "postgres"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageEndingWith("found: null");
  }

  @Test
  void anUnknownStoreIsRefused() {
    assertThatThrownBy(() -> parse("--store", "oracle"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--store must be sqlite or postgres (found: oracle)");
  }
}
