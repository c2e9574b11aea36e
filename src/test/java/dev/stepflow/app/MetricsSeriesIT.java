package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The number of series {@code /metrics} exports does not grow with the instances: a scrape after
 * 1,000 instances ran and one after 100,000 ran have the same series, although every instance has
 * its own id and every step of the first and the last thousand its own name, half of them failing
 * once (an error message, a retry, a timer).
 */
class MetricsSeriesIT {
  private static final String WF = "/client/v4/accounts/acc1/workflows/many";
  private static final int BATCH = 100;

  @TempDir Path dir;

  @Test
  void aHundredTimesTheInstancesExportTheSameSeries() throws IOException {
    try (StepflowProcess server =
        StepflowProcess.start(
            dir.resolve("data"),
            dir,
            "metrics-series",
            List.of("--create-rate-per-account", "0", "--create-rate-per-workflow", "0"))) {
      ApiClient api = server.client();
      assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"m\"}").status())
          .isEqualTo(200);

      create(api, 0, 1_000, MetricsSeriesIT::namedStepFailingEveryOther);
      Scrape thousand = awaitCompleted(server, 1_000);
      create(api, 1_000, 99_000, i -> "{\"steps\":[]}");
      create(api, 99_000, 100_000, MetricsSeriesIT::namedStepFailingEveryOther);
      Scrape hundredThousand = awaitCompleted(server, 100_000);

      assertThat(hundredThousand.value("stepflow_step_retries_total", "kind", "do"))
          .isEqualTo(1_000);
      assertThat(names(hundredThousand, "stepflow_")).isEqualTo(names(thousand, "stepflow_"));
      assertThat(hundredThousand.count("stepflow_")).isEqualTo(thousand.count("stepflow_"));
      assertThat(hundredThousand.count("hikaricp_")).isEqualTo(thousand.count("hikaricp_"));
      assertThat(hundredThousand.text()).doesNotContain("step-99999").doesNotContain("i99999");
    }
  }

  /** A step named after the instance; odd ones fail their first attempt and retry at once. */
  private static String namedStepFailingEveryOther(int i) {
    return "{\"steps\":[{\"do\":\"step-"
        + i
        + "\",\"fail\":"
        + (i % 2)
        + ",\"retries\":{\"limit\":1,\"delay\":1,\"backoff\":\"constant\"}}]}";
  }

  /** Instances {@code from} to {@code to} (exclusive), in batches of 100. */
  private static void create(ApiClient api, int from, int to, IntFunction<String> params) {
    for (int start = from; start < to; start += BATCH) {
      StringJoiner batch = new StringJoiner(",", "[", "]");
      for (int i = start; i < Math.min(to, start + BATCH); i++) {
        batch.add("{\"instance_id\":\"i" + i + "\",\"params\":" + params.apply(i) + "}");
      }
      assertThat(api.post(WF + "/instances/batch", batch.toString()).status()).isEqualTo(200);
    }
  }

  /** Waits until the kept counts (read at most every 5 s) show {@code n} complete instances. */
  private static Scrape awaitCompleted(StepflowProcess server, int n) {
    Scrape[] last = new Scrape[1];
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              last[0] = Scrape.of(server.origin());
              return last[0].value("stepflow_instances", "workflow", "many", "status", "complete")
                  == n;
            });
    return last[0];
  }

  private static List<String> names(Scrape scrape, String prefix) {
    return scrape.series().stream()
        .filter(s -> s.name().startsWith(prefix))
        .map(s -> s.name() + s.labels())
        .sorted()
        .toList();
  }
}
