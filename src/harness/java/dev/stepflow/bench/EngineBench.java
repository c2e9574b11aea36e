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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * Options: {@code --rounds=3 --instances=10000 --warmup=5000 --warmup-seconds=0 --clients=4
 * --batch=100 --sleepers=100000 --settle-seconds=35 --round-minutes=10
 * --phases=throughput,footprint --max-running=N --server-jvm="-Xmx2g ..." --jar=target/stepflow.jar
 * --work=target/bench-engine --results=bench/results --stack-samples=0 --keep-data=false}. Prints a
 * Markdown report and writes it to {@code results/engine-YYYY-MM-DD.md}. With {@code
 * --stack-samples=N} (diagnostics: the dumps perturb the numbers) each measured throughput phase
 * also takes up to N thread dumps of the server, and the report goes to {@code
 * engine-YYYY-MM-DD-stacks.md} instead.
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
      Duration warmupTime,
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
              Duration.ofSeconds(opt.number("warmup-seconds", 0)),
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

    /** Waves of {@code warmup} instances for at least {@code warmupTime}. */
    WarmUp warmUp() {
      return new WarmUp(warmup, warmupTime);
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
          ThroughputRun run = ThroughputRound.run(o, c, round, p + 1);
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
        FootprintRun run = FootprintRound.run(o, round);
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

  static void log(String format, Object... args) {
    System.err.println(
        "[bench "
            + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_TIME)
            + "] "
            + String.format(Locale.ROOT, format, args));
  }
}
