package dev.stepflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Engine benchmark (not a test; run by {@code scripts/bench-engine}). Starts target/stepflow.jar as
 * a separate process with a fresh data folder per round and drives it over HTTP on 127.0.0.1:
 *
 * <ul>
 *   <li>throughput: completed 3-step no-op Scripted instances per second (durability normal and
 *       full) against the baseline of 0-step instances, cases interleaved within each round;
 *   <li>footprint: heap after a full GC and thread counts of the server holding 100,000 sleeping
 *       instances, against the same server idle with none.
 * </ul>
 *
 * Options: {@code --rounds=3 --instances=10000 --warmup=5000 --clients=4 --batch=100
 * --sleepers=100000 --settle-seconds=35 --round-minutes=10 --phases=throughput,footprint
 * --max-running=N --server-jvm="-Xmx2g ..." --jar=target/stepflow.jar --work=target/bench-engine
 * --results=bench/results --stack-samples=0 --keep-data=false}. Prints a Markdown report and writes
 * it to {@code results/engine-YYYY-MM-DD.md}. With {@code --stack-samples=N} (diagnostics: the
 * dumps perturb the numbers) each measured throughput phase also takes up to N thread dumps of the
 * server, and the report goes to {@code engine-YYYY-MM-DD-stacks.md} instead.
 */
public final class EngineBench {
  static final String THREE_STEPS = "{\"steps\":[{\"do\":\"a\"},{\"do\":\"b\"},{\"do\":\"c\"}]}";
  static final String NO_STEPS = "{\"steps\":[]}";
  static final String SLEEP_AN_HOUR = "{\"steps\":[{\"sleep\":\"nap\",\"ms\":3600000}]}";

  /** A throughput case. */
  enum Case {
    ZERO("0 steps (baseline)", NO_STEPS, "normal"),
    THREE("3 no-op steps, durability normal", THREE_STEPS, "normal"),
    THREE_FULL("3 no-op steps, durability full", THREE_STEPS, "full");

    final String label;
    final String params;
    final String durability;

    Case(String label, String params, String durability) {
      this.label = label;
      this.params = params;
      this.durability = durability;
    }
  }

  record Options(
      int rounds,
      int instances,
      int warmup,
      int clients,
      int batch,
      int sleepers,
      Duration settle,
      Duration roundLimit,
      Set<String> phases,
      int stackSamples,
      boolean keepData,
      String maxRunning,
      List<String> serverJvm,
      Path jar,
      Path work,
      Path results,
      String commandLine) {

    static Options parse(String[] args) {
      BenchArgs opt = new BenchArgs(args);
      Options o =
          new Options(
              opt.number("rounds", 3),
              opt.number("instances", 10_000),
              opt.number("warmup", 5_000),
              opt.number("clients", 4),
              opt.number("batch", 100),
              opt.number("sleepers", 100_000),
              Duration.ofSeconds(opt.number("settle-seconds", 35)),
              Duration.ofMinutes(opt.number("round-minutes", 10)),
              new LinkedHashSet<>(List.of(opt.text("phases", "throughput,footprint").split(","))),
              opt.number("stack-samples", 0),
              Boolean.parseBoolean(opt.text("keep-data", "false")),
              opt.text("max-running", null),
              opt.words("server-jvm", List.of()),
              opt.path("jar", "target/stepflow.jar"),
              opt.path("work", "target/bench-engine"),
              opt.path("results", "bench/results"),
              String.join(" ", args));
      opt.requireAllTaken();
      if (o.batch < 1 || o.batch > 100) {
        throw new IllegalArgumentException("--batch must be 1 to 100 (the API's limit)");
      }
      return o;
    }

    List<String> serveOptions(String durability) {
      // the engine is measured, not the creation rate limit (Cloudflare's 100/s per workflow)
      List<String> options =
          new ArrayList<>(
              List.of(
                  "--durability",
                  durability,
                  "--create-rate-per-account",
                  "0",
                  "--create-rate-per-workflow",
                  "0"));
      if (maxRunning != null) {
        options.addAll(List.of("--max-running", maxRunning));
      }
      return options;
    }
  }

  /** One measured throughput round of one case; {@code failure} is null when it succeeded. */
  record ThroughputRun(
      Case c,
      int round,
      int position,
      double seconds,
      double submitSeconds,
      long completeAtSubmitEnd,
      double serverCores,
      double clientCores,
      long serverTicks,
      Map<String, Long> threadTicks,
      Map<String, Map<String, Integer>> stacks,
      String loadAverage,
      String failure) {
    double perSecond(int instances) {
      return instances / seconds;
    }

    /** Completions per second while the clients were still submitting. */
    double duringSubmit() {
      return completeAtSubmitEnd / submitSeconds;
    }

    /** Completions per second after the last batch was acknowledged (draining the queue). */
    double afterSubmit(int instances) {
      return (instances - completeAtSubmitEnd) / (seconds - submitSeconds);
    }
  }

  /** One footprint round; {@code failure} is null when it succeeded. */
  record FootprintRun(
      int round,
      BenchServer.Heap idleHeap,
      BenchServer.Threads idleThreads,
      long idleRssKb,
      BenchServer.Heap heap,
      BenchServer.Threads threads,
      long rssKb,
      double submitSeconds,
      double waitingSeconds,
      double firstTenthRate,
      double lastTenthRate,
      Map<String, Long> dataFiles,
      IdleCpu idleCpu,
      IdleCpu loadedCpu,
      String failure) {}

  /** CPU of the server while no client calls it, in cores: all of it, and the dispatcher thread. */
  record IdleCpu(double process, double dispatcher) {}

  private static final long CLOCK_TICKS = clockTicks();

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    if (!Files.isRegularFile(o.jar())) {
      throw new IllegalStateException(o.jar() + " is missing; build with mvn package first");
    }
    ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    String loadAtStart = loadAverage();
    List<ThroughputRun> throughput = new ArrayList<>();
    List<FootprintRun> footprint = new ArrayList<>();
    Case[] cases = Case.values();
    if (o.phases().contains("throughput")) {
      for (int round = 1; round <= o.rounds(); round++) {
        for (int p = 0; p < cases.length; p++) {
          Case c = cases[(p + round - 1) % cases.length];
          log("throughput round %d/%d: %s", round, o.rounds(), c.label);
          ThroughputRun run = throughputRound(o, c, round, p + 1);
          throughput.add(run);
          log(
              "  -> %s",
              run.failure() != null
                  ? "FAILED: " + run.failure()
                  : String.format(
                      Locale.ROOT,
                      "%.0f instances/s (%.1f s; server %.2f cores, client %.2f cores)",
                      run.perSecond(o.instances()),
                      run.seconds(),
                      run.serverCores(),
                      run.clientCores()));
        }
      }
    }
    if (o.phases().contains("footprint")) {
      for (int round = 1; round <= o.rounds(); round++) {
        log("footprint round %d/%d: %,d sleeping instances", round, o.rounds(), o.sleepers());
        FootprintRun run = footprintRound(o, round);
        footprint.add(run);
        log(
            "  -> %s",
            run.failure() != null
                ? "FAILED: " + run.failure()
                : String.format(
                    Locale.ROOT,
                    "heap %.1f -> %.1f MB, java threads %d -> %d, all waiting after %.1f s",
                    run.idleHeap().usedKb() / 1024.0,
                    run.heap().usedKb() / 1024.0,
                    run.idleThreads().java(),
                    run.threads().java(),
                    run.waitingSeconds()));
      }
    }
    ZonedDateTime ended = ZonedDateTime.now(ZoneOffset.UTC);
    String report =
        Report.render(o, started, ended, loadAtStart, loadAverage(), throughput, footprint);
    System.out.println(report);
    Files.createDirectories(o.results());
    Path file =
        o.results()
            .resolve(
                "engine-"
                    + started.toLocalDate()
                    + (o.stackSamples() > 0 ? "-stacks" : "")
                    + ".md");
    Files.writeString(file, report);
    log("report written to %s", file);
    boolean failed =
        throughput.stream().anyMatch(r -> r.failure() != null)
            || footprint.stream().anyMatch(r -> r.failure() != null);
    System.exit(failed ? 1 : 0);
  }

  static ThroughputRun throughputRound(Options o, Case c, int round, int position)
      throws IOException {
    Path dir = o.work().resolve("throughput-r" + round + "-" + c.name().toLowerCase(Locale.ROOT));
    deleteTree(dir);
    long deadline = System.nanoTime() + o.roundLimit().toNanos();
    String load = loadAverage();
    try (BenchServer server =
        BenchServer.start(o.jar(), dir, o.serveOptions(c.durability), o.serverJvm())) {
      BenchHttp http = new BenchHttp(server.baseUrl(), server.devToken());
      if (o.warmup() > 0) {
        http.putWorkflow("warmup");
        List<String> warm = Load.bodies("warm", o.warmup(), c.params, o.batch());
        try (Load submit = Load.start(http, "warmup", warm, o.clients(), deadline)) {
          awaitCount(http, "warmup", "complete", o.warmup(), 50, deadline, submit, server, null);
          submit.await();
        }
      }
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
          seconds,
          (acked - t0) / 1e9,
          completeAtAck,
          serverTicks / (double) CLOCK_TICKS / seconds,
          clientTicks / (double) CLOCK_TICKS / seconds,
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

  /**
   * Waits {@code settle} without calling the server; returns its CPU use over the window after the
   * first 5 seconds (or all of it when shorter than 10 seconds).
   */
  static IdleCpu settle(BenchServer server, Duration settle) throws InterruptedException {
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
        (after.processTicks() - before.processTicks()) / (double) CLOCK_TICKS / seconds,
        dispatcherTicks / (double) CLOCK_TICKS / seconds);
  }

  static FootprintRun footprintRound(Options o, int round) throws IOException {
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

  /**
   * Polls the count of {@code workflow}'s instances in {@code status} every {@code pollMillis}
   * until it reaches {@code target}; returns the time of the response that reached it. Fails when
   * the deadline passes, a client failed, or the server died.
   */
  static long awaitCount(
      BenchHttp http,
      String workflow,
      String status,
      long target,
      long pollMillis,
      long deadline,
      Load submit,
      BenchServer server,
      List<long[]> progress)
      throws InterruptedException {
    while (true) {
      long n = http.count(workflow, status);
      long now = System.nanoTime();
      if (progress != null) {
        progress.add(new long[] {now, n});
      }
      if (n >= target) {
        return now;
      }
      submit.rethrowIfFailed();
      server.requireAlive();
      if (now > deadline) {
        throw new IllegalStateException(
            "the round's time limit passed with " + n + " of " + target + " " + status);
      }
      Thread.sleep(pollMillis);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "n/a";
    }
  }

  static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  static double ticksToSeconds(long ticks) {
    return ticks / (double) CLOCK_TICKS;
  }

  static void log(String format, Object... args) {
    System.err.println(
        "[bench "
            + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_TIME)
            + "] "
            + String.format(Locale.ROOT, format, args));
  }

  /** Groups a per-case list by case, in the order of the enum. */
  static Map<Case, List<ThroughputRun>> byCase(List<ThroughputRun> runs) {
    Map<Case, List<ThroughputRun>> out = new LinkedHashMap<>();
    for (Case c : Case.values()) {
      out.put(c, runs.stream().filter(r -> r.c() == c && r.failure() == null).toList());
    }
    return out;
  }
}
