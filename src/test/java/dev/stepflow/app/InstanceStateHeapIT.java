package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.domain.Limits;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 5: concurrent GETs of the largest instance the server allows stay within a stated
 * heap. The packaged server runs with {@link StepflowProcess#HEAP_LIMIT} (256 MiB) and the default
 * state limit (Cloudflare's 100 MB). One Scripted instance returns results of about 1 MiB until the
 * state limit refuses one: it then holds about 100 MB of step outputs. {@value #CLIENTS} clients
 * GET it at once, {@value #ROUNDS} times over: before outputs were cut in the log, every answer
 * carried all 100 MB (and the server answered 500 with OutOfMemoryError). Now each answer is small,
 * all are 200, and the server lives on in its heap.
 */
class InstanceStateHeapIT {
  private static final String WF = "/client/v4/accounts/heap/workflows/fill";
  private static final int CLIENTS = 16;
  private static final int ROUNDS = 4;

  /** With {"blob":...} around it, a result of 1,048,011 bytes: just under 1 MiB. */
  private static final int BLOB = 1_048_000;

  /** More steps than the state limit lets run: the last ones are never reached. */
  private static final int STEPS = 110;

  private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  @TempDir Path data;
  @TempDir Path logs;

  @Test
  void concurrentGetsOfAnInstanceAtTheStateLimitStayWithinTheHeap() throws Exception {
    Path gcLog = logs.resolve("gc.log");
    try (StepflowProcess server =
        StepflowProcess.start(data, logs, "heap", List.of("-Xlog:gc:file=" + gcLog), List.of())) {
      ApiClient api = server.client();
      long filling = System.nanoTime();
      JsonNode full = fillToTheLimit(api);
      Duration filled = Duration.ofNanos(System.nanoTime() - filling);

      JsonNode steps = full.get("steps");
      JsonNode refused = steps.get(steps.size() - 1);
      assertThat(full.get("error").get("name").asText()).isEqualTo("InstanceStateTooLarge");
      assertThat(refused.get("error").get("message").asText())
          .contains("the limit is " + Limits.DEFAULT_MAX_INSTANCE_STATE_BYTES + " bytes");
      int complete = steps.size() - 1;
      long stateBytes = (long) complete * (BLOB + 11);
      assertThat(stateBytes).isGreaterThan(Limits.DEFAULT_MAX_INSTANCE_STATE_BYTES - (BLOB + 11));

      long getting = System.nanoTime();
      List<ApiResponse> answers = concurrentGets(api);
      Duration got = Duration.ofNanos(System.nanoTime() - getting);

      assertThat(answers).hasSize(CLIENTS * ROUNDS).allMatch(a -> a.status() == 200);
      int largest = answers.stream().mapToInt(a -> a.body().toString().length()).max().orElse(0);
      assertThat(largest).isLessThan(1024 * 1024);
      assertThat(
              api.get(WF + "/instances/full/step?name=blob-1&type=step")
                  .result()
                  .get("output")
                  .get("blob")
                  .asText())
          .hasSize(BLOB);
      assertThat(server.isAlive()).isTrue();
      assertThat(ProcessHandle.of(server.pid()).flatMap(p -> p.info().arguments()).orElseThrow())
          .contains(StepflowProcess.HEAP_LIMIT);
      assertThat(Files.readString(server.stderrFile()) + Files.readString(server.stdoutFile()))
          .doesNotContain("OutOfMemoryError");
      int[] heap = heapFromGcLog(gcLog);
      assertThat(heap[2]).as("heap capacity (MiB) in the GC log").isLessThanOrEqualTo(256);
      System.out.printf(
          "InstanceStateHeapIT: %s; %d results of %d bytes (%d bytes of state, limit %d) in %d ms;"
              + " %d x %d concurrent GET instance in %d ms, largest answer %d bytes; GC log: peak"
              + " %d MiB in use before a collection, %d MiB after, capacity %d MiB%n",
          StepflowProcess.HEAP_LIMIT,
          complete,
          BLOB + 11,
          stateBytes,
          Limits.DEFAULT_MAX_INSTANCE_STATE_BYTES,
          filled.toMillis(),
          ROUNDS,
          CLIENTS,
          got.toMillis(),
          largest,
          heap[0],
          heap[1],
          heap[2]);
    }
  }

  /** Runs the instance until the state limit refuses a step; returns it as GET shows it. */
  private static JsonNode fillToTheLimit(ApiClient api) {
    api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      steps.add("{\"do\":\"blob\",\"output_bytes\":" + BLOB + "}");
    }
    ApiResponse created =
        api.post(
            WF + "/instances", "{\"instance_id\":\"full\",\"params\":{\"steps\":" + steps + "}}");
    assertThat(created.status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> api.get(WF + "/instances/full").result().get("status").asText(),
            "errored"::equals);
    return api.get(WF + "/instances/full").result();
  }

  private static List<ApiResponse> concurrentGets(ApiClient api) throws Exception {
    List<ApiResponse> answers = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ApiResponse>> pending = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          pending.add(
              clients.submit(
                  () -> {
                    go.await();
                    return api.get(WF + "/instances/full");
                  }));
        }
        go.countDown();
        for (Future<ApiResponse> answer : pending) {
          answers.add(answer.get());
        }
      }
    } finally {
      clients.shutdownNow();
    }
    return answers;
  }

  /** The GC log's peaks: MiB in use before a collection, after one, and the heap's capacity. */
  private static int[] heapFromGcLog(Path gcLog) throws IOException {
    int[] peaks = new int[3];
    Matcher m = GC_LINE.matcher(Files.readString(gcLog));
    while (m.find()) {
      for (int i = 0; i < 3; i++) {
        peaks[i] = Math.max(peaks[i], Integer.parseInt(m.group(i + 1)));
      }
    }
    return peaks;
  }
}
