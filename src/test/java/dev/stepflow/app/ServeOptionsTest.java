package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.Limits;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code stepflow serve}'s options other than the store and the cluster (see StoreOptionsTest and
 * ClusterOptionsTest) become the server's Config: the defaults, and each value refused with a
 * message that names the option.
 */
class ServeOptionsTest {

  private static Config parse(String... args) {
    Main.Serve serve = new Main.Serve();
    new CommandLine(serve).parseArgs(args);
    return serve.config();
  }

  private static void assertRefused(String message, String... args) {
    assertThatThrownBy(() -> parse(args))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage(message);
  }

  @Test
  void withoutOptionsTheDefaultsApply() {
    Config config = parse();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8787);
    assertThat(config.dataDir()).isEqualTo(Path.of("data"));
    assertThat(config.durability()).isEqualTo(Durability.PROCESS_CRASH);
    assertThat(config.maxRunning()).isEqualTo(1000).isEqualTo(Config.DEFAULT_MAX_RUNNING);
    assertThat(config.creationRates())
        .isEqualTo(new Config.CreationRates(300, 100))
        .isEqualTo(Config.CreationRates.DEFAULT);
    assertThat(config.access()).isEqualTo(Config.Access.DEFAULT);
    assertThat(config.effectsLog()).isNull();
    assertThat(config.maxInstanceStateBytes())
        .isEqualTo(100_000_000L)
        .isEqualTo(Limits.DEFAULT_MAX_INSTANCE_STATE_BYTES);
  }

  @Test
  void theOptionsAreTaken() {
    Config config =
        parse(
            "--port",
            "0",
            "--durability",
            "full",
            "--max-running",
            "0",
            "--create-rate-per-account",
            "0",
            "--create-rate-per-workflow",
            "0",
            "--insecure-no-auth",
            "--max-instance-state-bytes",
            "5000000");
    assertThat(config.port()).isZero();
    assertThat(config.durability()).isEqualTo(Durability.POWER_LOSS);
    assertThat(config.maxRunning()).isZero();
    assertThat(config.creationRates()).isEqualTo(Config.CreationRates.UNLIMITED);
    assertThat(config.access()).isEqualTo(new Config.Access(null, true));
    assertThat(config.maxInstanceStateBytes()).isEqualTo(5_000_000L);
  }

  @Test
  void aStateLimitBelowOneStepResultIsRefused() {
    assertRefused(
        "--max-instance-state-bytes must be at least 1048576 (one step result; found: 1000)",
        "--max-instance-state-bytes",
        "1000");
  }

  @Test
  void theAuditRetentionIsNinetyDaysUnlessGiven() {
    assertThat(parse().auditRetention()).isEqualTo(java.time.Duration.ofDays(90));
    assertThat(parse("--audit-retention-days", "7").auditRetention())
        .isEqualTo(java.time.Duration.ofDays(7));
  }

  @Test
  void anAuditRetentionBelowOneDayIsRefused() {
    assertRefused(
        "--audit-retention-days must be 1 to 36500 (found: 0)", "--audit-retention-days", "0");
  }

  @Test
  void anUnknownDurabilityIsRefused() {
    assertRefused("--durability must be normal or full (found: fast)", "--durability", "fast");
  }

  @Test
  void aPortOutsideTheTcpRangeIsRefused() {
    assertRefused("--port must be 0 (any free port) to 65535 (found: 65536)", "--port", "65536");
  }

  @Test
  void aNegativeMaxRunningIsRefused() {
    assertRefused("--max-running must be 0 or more (found: -1)", "--max-running", "-1");
  }

  @Test
  void negativeCreationRatesAreRefusedNamingTheOption() {
    assertRefused(
        "--create-rate-per-account must be 0 (no limit) or more (found: -1)",
        "--create-rate-per-account",
        "-1");
    assertRefused(
        "--create-rate-per-workflow must be 0 (no limit) or more (found: -2)",
        "--create-rate-per-workflow",
        "-2");
  }

  @Test
  void aTokensFileAndInsecureNoAuthExcludeEachOther() {
    assertRefused(
        "--tokens and --insecure-no-auth exclude each other; give one of them",
        "--tokens",
        "t.json",
        "--insecure-no-auth");
  }

  private static LogFormat logFormat(String... args) {
    Main.Serve serve = new Main.Serve();
    new CommandLine(serve).parseArgs(args);
    return serve.logFormat();
  }

  @Test
  void theLogFormatIsTextUnlessJsonIsChosen() {
    assertThat(logFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(logFormat("--log-format", "json")).isEqualTo(LogFormat.JSON);
  }

  @Test
  void aLogFormatOtherThanTextOrJsonIsRefused() {
    assertThatThrownBy(() -> logFormat("--log-format", "xml"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--log-format must be text or json (found: xml)");
  }
}
