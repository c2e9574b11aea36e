package com.example.host;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.client.CreateInstance;
import dev.stepflow.client.StepflowClient;
import dev.stepflow.embed.Stepflow;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class HostAppTest {
  @TempDir Path data;

  @Test
  void theApplicationsLibraryVersionsAndLoggingWin() throws Exception {
    assertThat(PackageVersion.VERSION.toString()).isEqualTo("2.22.4");
    assertThat(LoggerContext.class.getProtectionDomain().getCodeSource().getLocation().toString())
        .endsWith("/logback-classic-1.6.7.jar");

    List<URL> configurations =
        Collections.list(getClass().getClassLoader().getResources("logback.xml"));
    assertThat(configurations).hasSize(1);
    assertThat(configurations.get(0).toString()).contains("host-app");
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertThat(logging.getProperty("configuredBy")).isEqualTo("host-app");
  }

  @Test
  void stepflowRunsTheApplicationsWorkflowOnThoseVersions() throws Exception {
    try (Stepflow stepflow = HostApp.start(data, 0);
        StepflowClient client =
            StepflowClient.builder()
                .baseUrl(stepflow.baseUrl())
                .apiToken(stepflow.apiToken().orElseThrow())
                .accountId("host")
                .build()) {
      client.putWorkflow("greetings", "Greeting", "host-app");
      client.createInstance(
          "greetings", CreateInstance.withId("g1").withParams(Map.of("name", "Ada")));

      long deadline = System.nanoTime() + 20_000_000_000L;
      while (client.getInstance("greetings", "g1").getStatus() != InstanceStatus.COMPLETE
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }

      assertThat(client.getInstance("greetings", "g1").getOutput())
          .isEqualTo(Map.of("text", "hello Ada", "signed", "host-app"));
    }
  }
}
