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
  void withoutOptionsTheIdIsGeneratedAndLeasesLastFifteenSeconds() {
    assertThat(parse()).isEqualTo(new Config.Cluster(null, Duration.ofSeconds(15)));
  }

  @Test
  void theNodeIdAndTheLeaseTimeAreTaken() {
    assertThat(parse("--node-id", "node-1", "--lease-seconds", "3"))
        .isEqualTo(new Config.Cluster("node-1", Duration.ofSeconds(3)));
  }

  @Test
  void aLeaseOfLessThanASecondIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> parse("--lease-seconds", "0"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--lease-seconds must be at least 1");
  }

  @Test
  void aNodeIdWithSpacesOrSlashesIsRefused() {
    assertThatThrownBy(() -> new NodeSettings("node 1/a", Duration.ofSeconds(15), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A node id is 1 to 100 letters");
  }

  @Test
  void generatedIdsAreValidAndDifferFromOneAnother() {
    String one = NodeSettings.generatedId();
    String two = NodeSettings.generatedId();
    assertThat(new NodeSettings(one, Duration.ofSeconds(15), false).nodeId()).isEqualTo(one);
    assertThat(one).isNotEqualTo(two).contains("-" + ProcessHandle.current().pid() + "-");
  }
}
