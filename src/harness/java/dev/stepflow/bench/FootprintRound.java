package dev.stepflow.bench;

import static dev.stepflow.bench.EngineBench.SLEEP_AN_HOUR;
import static dev.stepflow.bench.EngineBench.awaitCount;
import static dev.stepflow.bench.EngineBench.deleteTree;

import dev.stepflow.bench.EngineBench.Options;
import dev.stepflow.bench.FootprintRun.IdleCpu;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One footprint round on a fresh server: heap, threads, RSS and idle CPU with no instances, then
 * the same with {@code sleepers} instances sleeping for an hour, and how fast they got there.
 */
final class FootprintRound {
  private FootprintRound() {}

  /**
   * Waits {@code settle} without calling the server; returns its CPU use over the window after the
   * first 5 seconds (or all of it when shorter than 10 seconds).
   */
  private static IdleCpu settle(BenchServer server, Duration settle) throws InterruptedException {
    long skip = settle.toMillis() >= 10_000 ? 5_000 : 0;
    Thread.sleep(skip);
    BenchServer.Cpu before = server.cpu();
    long t0 = System.nanoTime();
    Thread.sleep(settle.toMillis() - skip);
    BenchServer.Cpu after = server.cpu();
    double seconds = (System.nanoTime() - t0) / 1e9;
    String dispatcher = "stepflow-dispat";
    long dispatcherTicks =
        after.threadTicks().getOrDefault(dispatcher, 0L)
            - before.threadTicks().getOrDefault(dispatcher, 0L);
    return new IdleCpu(
        ClockTicks.seconds(after.processTicks() - before.processTicks()) / seconds,
        ClockTicks.seconds(dispatcherTicks) / seconds);
  }

  static FootprintRun run(Options o, int round) throws IOException {
    Path dir = o.work().resolve("footprint-r" + round);
    deleteTree(dir);
    long deadline = System.nanoTime() + o.roundLimit().toNanos();
    try (BenchServer server =
        BenchServer.start(o.jar(), dir, o.serveOptions("normal"), o.serverJvm())) {
      BenchHttp http = new BenchHttp(server.baseUrl(), server.devToken());
      http.putWorkflow("sleepers");
      http.count("sleepers", "waiting"); // the read path is initialised in both measurements
      IdleCpu idleCpu = settle(server, o.settle());
      BenchServer.Heap idleHeap = server.heapAfterFullGc();
      BenchServer.Threads idleThreads = server.threads();
      long idleRss = server.rssKb();

      List<String> bodies = Load.bodies("s", o.sleepers(), SLEEP_AN_HOUR, o.batch());
      List<long[]> progress = new ArrayList<>();
      long t0 = System.nanoTime();
      long done;
      long acked;
      try (Load submit = Load.start(http, "sleepers", bodies, o.clients(), deadline)) {
        done =
            awaitCount(
                http, "sleepers", "waiting", o.sleepers(), 250, deadline, submit, server, progress);
        acked = submit.await();
      }
      IdleCpu loadedCpu = settle(server, o.settle());
      BenchServer.Heap heap = server.heapAfterFullGc();
      BenchServer.Threads threads = server.threads();
      long rss = server.rssKb();
      Map<String, Long> files = server.dataFiles();
      long still = http.count("sleepers", "waiting");
      if (still != o.sleepers()) {
        throw new IllegalStateException(
            still + " of " + o.sleepers() + " instances still waiting at the measurement");
      }
      return new FootprintRun(
          round,
          idleHeap,
          idleThreads,
          idleRss,
          heap,
          threads,
          rss,
          (acked - t0) / 1e9,
          (done - t0) / 1e9,
          rate(progress, t0, 0, o.sleepers() / 10),
          rate(progress, t0, o.sleepers() - o.sleepers() / 10, o.sleepers()),
          files,
          idleCpu,
          loadedCpu,
          null);
    } catch (RuntimeException | IOException | InterruptedException e) {
      return new FootprintRun(
          round, null, null, 0, null, null, 0, 0, 0, 0, 0, Map.of(), null, null, e.toString());
    } finally {
      if (!o.keepData()) {
        deleteTree(dir.resolve("data"));
      }
    }
  }

  /**
   * Instances per second between the polls that first saw {@code from} and {@code to} instances
   * (the start time {@code t0} stands for the count 0).
   */
  private static double rate(List<long[]> progress, long t0, long from, long to) {
    long start = from == 0 ? t0 : firstAt(progress, from)[0];
    long[] end = firstAt(progress, to);
    long startCount = from == 0 ? 0 : firstAt(progress, from)[1];
    return (end[1] - startCount) / ((end[0] - start) / 1e9);
  }

  private static long[] firstAt(List<long[]> progress, long count) {
    return progress.stream().filter(p -> p[1] >= count).findFirst().orElseThrow();
  }
}
