package dev.stepflow.bench;

import static dev.stepflow.bench.EngineBench.awaitCount;
import static dev.stepflow.bench.EngineBench.deleteTree;
import static dev.stepflow.bench.EngineBench.loadAverage;

import dev.stepflow.bench.EngineBench.Case;
import dev.stepflow.bench.EngineBench.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One measured throughput round of one case on a fresh server: an optional warm-up on another
 * workflow, then {@code instances} submitted by the clients and timed until all are complete, with
 * the CPU of the server and of this process over that time.
 */
final class ThroughputRound {
  private ThroughputRound() {}

  static ThroughputRun run(Options o, Case c, int round, int position) throws IOException {
    Path dir = o.work().resolve("throughput-r" + round + "-" + c.name().toLowerCase(Locale.ROOT));
    deleteTree(dir);
    long deadline = System.nanoTime() + o.roundLimit().toNanos();
    String load = loadAverage();
    try (BenchServer server =
        BenchServer.start(o.jar(), dir, o.serveOptions(c.durability), o.serverJvm())) {
      BenchHttp http = new BenchHttp(server.baseUrl(), server.devToken());
      int warmed =
          o.warmUp()
              .run(
                  (index, count) -> {
                    String workflow = "warmup-" + index;
                    http.putWorkflow(workflow);
                    List<String> warm = Load.bodies("warm", count, c.params, o.batch());
                    try (Load submit = Load.start(http, workflow, warm, o.clients(), deadline)) {
                      awaitCount(
                          http, workflow, "complete", count, 50, deadline, submit, server, null);
                      submit.await();
                    }
                  });
      http.putWorkflow("bench");
      List<String> bodies = Load.bodies("i", o.instances(), c.params, o.batch());
      BenchServer.Cpu before = server.cpu();
      long clientBefore = BenchServer.processTicks(ProcessHandle.current().pid());
      long t0 = System.nanoTime();
      long done;
      long acked;
      Map<String, Map<String, Integer>> stacks = Map.of();
      List<long[]> progress = new ArrayList<>();
      try (Load submit = Load.start(http, "bench", bodies, o.clients(), deadline);
          StackSampler sampler =
              o.stackSamples() > 0 ? StackSampler.start(server, o.stackSamples(), 500) : null) {
        done =
            awaitCount(
                http, "bench", "complete", o.instances(), 20, deadline, submit, server, progress);
        acked = submit.await();
        if (sampler != null) {
          sampler.close();
          stacks = sampler.tally();
        }
      }
      BenchServer.Cpu after = server.cpu();
      long clientTicks = BenchServer.processTicks(ProcessHandle.current().pid()) - clientBefore;
      long errored = http.count("bench", "errored");
      if (errored > 0) {
        throw new IllegalStateException(errored + " instances errored");
      }
      double seconds = (done - t0) / 1e9;
      long serverTicks = after.processTicks() - before.processTicks();
      Map<String, Long> threads = new TreeMap<>();
      after
          .threadTicks()
          .forEach(
              (name, ticks) ->
                  threads.put(name, ticks - before.threadTicks().getOrDefault(name, 0L)));
      long completeAtAck =
          progress.stream().filter(p -> p[0] >= acked).findFirst().orElseThrow()[1];
      return new ThroughputRun(
          c,
          round,
          position,
          warmed,
          seconds,
          (acked - t0) / 1e9,
          completeAtAck,
          ClockTicks.seconds(serverTicks) / seconds,
          ClockTicks.seconds(clientTicks) / seconds,
          serverTicks,
          threads,
          stacks,
          load,
          null);
    } catch (RuntimeException | IOException | InterruptedException e) {
      return new ThroughputRun(
          c,
          round,
          position,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          Map.of(),
          Map.of(),
          load,
          e.toString().replace('\n', ' '));
    } finally {
      if (!o.keepData()) {
        deleteTree(dir.resolve("data"));
      }
    }
  }
}
