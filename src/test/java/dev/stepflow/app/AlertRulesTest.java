package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example alert rules of README's "Operating Stepflow" are a rule file Prometheus loads. */
class AlertRulesTest {
  @Test
  void promtoolAcceptsTheExampleAlertRules() throws IOException, InterruptedException {
    Promtool.Result checked = Promtool.run(List.of("check", "rules", "ops/alerts.yml"), null);

    assertThat(checked.exitCode()).as(checked.output()).isZero();
    assertThat(checked.output()).contains("SUCCESS");
  }
}
