package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.engine.runtime.NodeSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code stepflow serve --node-id --lease-seconds} and the node settings they lead to. */
class ClusterOptionsTest {

  private static Config.Cluster parse(String... args) {
    Main.Serve serve = new Main.Serve();
    new CommandLine(serve).parseArgs(args);
    return serve.cluster();
  }

  @Test
  void withoutOptionsTheIdIsGeneratedAndLeasesLastSixSeconds() {
    assertThat(parse())
        .isEqualTo(new Config.Cluster(null, Duration.ofSeconds(6)))
        .isEqualTo(Config.Cluster.DEFAULT);
  }

  @Test
  void theNodeIdAndTheLeaseTimeAreTaken() {
    assertThat(parse("--node-id", "node-1", "--lease-seconds", "1"))
        .isEqualTo(new Config.Cluster("node-1", Duration.ofSeconds(1)));
  }

  @Test
  void aLeaseOfLessThanASecondIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> parse("--lease-seconds", "0"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--lease-seconds must be at least 1 (found: 0)");
    assertThatThrownBy(() -> new Config.Cluster(null, Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--lease-seconds must be at least 1 (found: 0.5)");
  }

  @Test
  void aNodeIdWithSpacesOrSlashesIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> parse("--node-id", "node 1/a"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage(
            "--node-id must be 1 to 100 letters, digits, '.', '_', ':' or '-' (found: node 1/a)");
  }

  @Test
  void theEngineKeepsTheSameRulesForSettingsMadeWithoutTheConfiguration() {
    assertThatThrownBy(() -> new NodeSettings("node 1/a", Duration.ofSeconds(15), false))
        .hasMessageStartingWith("--node-id must be");
    assertThatThrownBy(() -> new NodeSettings("n", Duration.ZERO, false))
        .hasMessageStartingWith("--lease-seconds must be");
  }

  @Test
  void generatedIdsAreValidAndDifferFromOneAnother() {
    String one = NodeSettings.generatedId();
    String two = NodeSettings.generatedId();
    assertThat(new NodeSettings(one, Duration.ofSeconds(15), false).nodeId()).isEqualTo(one);
    assertThat(one).isNotEqualTo(two).contains("-" + ProcessHandle.current().pid() + "-");
  }
}
