package dev.stepflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latency phase of {@code scripts/bench}: how fast control acts when the server is not under
 * load, the numbers of issue 20 item 4. Each round starts a fresh server ({@code java -jar
 * target/stepflow.jar serve}, SQLite, defaults, with the {@code Scripted} effects log) and
 * measures, one request at a time from one client:
 *
 * <ul>
 *   <li>start-up: from starting the JVM to the first answered authenticated request;
 *   <li>pause and terminate acknowledged: PATCH .../status on instances waiting in an hour-long
 *       sleep (waiting to paused, then paused to terminated), each answer's time at the client,
 *       after a warm-up of 2,000 pauses, resumes and reads on other instances;
 *   <li>resume to the next step: instances paused after their first step; from sending the resume
 *       to the start of the second step's attempt, as the effects log timestamps it;
 *   <li>timers: instances sleeping until one shared instant ({@code sleepUntil}); from that instant
 *       to the start of the step after the sleep. In {@code --timer-bursts} bursts one after the
 *       other: the server's first wakes, which include the JIT's first pass over the wake path,
 *       then as many again, until the last burst, which is the warm server's figure.
 * </ul>
 *
 * <p>Options: {@code --rounds=3 --samples=500 --resumes=100 --timers=10000 --timer-bursts=4
 * --jar=target/stepflow.jar --aot-cache=<file> --work=target/bench-latency --results=<file>}. One
 * JSON line per round to {@code --results}. With {@code --aot-cache} (the JDK's ahead-of-time cache
 * of the jar, which {@code scripts/stepflow} starts the server with), each round first starts a
 * server without it, for its start-up time only, then the measured one with it. {@code
 * --max-running=N} starts the server with that many run slots instead of its default (1,000): with
 * at least as many as timers, a burst is not held back by runs that have not ended.
 */
public final class LatencyPhase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SLEEP_AN_HOUR = EngineBench.SLEEP_AN_HOUR;
  private static final String PAUSED_AFTER_FIRST =
      "{\"steps\":[{\"do\":\"first\",\"ms\":1500},{\"do\":\"second\"}]}";
  private static final Duration WAIT_LIMIT = Duration.ofMinutes(3);

  /**
   * Instances paused, resumed and read once before the measured ones, one request at a time: enough
   * for the JIT to have compiled the control path, as on a server that has been running. After 300
   * (until 2026-12-04), a pause still took two to three times as long as on a server that had
   * answered a few thousand (bench/results/latency-2026-12-04-control-warm-up.md).
   */
  private static final int WARM_UP = 2_000;

  private final int samples;
  private final int resumes;
  private final int timers;
  private final int timerBursts;
  private final Path jar;
  private final Path aotCache;

  /** The server's --max-running; null: its default. */
  private final Integer maxRunning;

  private LatencyPhase(BenchArgs args) {
    samples = args.number("samples", 500);
    resumes = args.number("resumes", 100);
    timers = args.number("timers", 10_000);
    timerBursts = args.number("timer-bursts", 4);
    jar = Path.of(args.text("jar", "target/stepflow.jar"));
    String cache = args.text("aot-cache", "");
    aotCache = cache.isEmpty() ? null : Path.of(cache);
    String slots = args.text("max-running", null);
    maxRunning = slots == null ? null : Integer.valueOf(slots);
  }

  public static void main(String[] argv) throws Exception {
    BenchArgs args = new BenchArgs(argv);
    int rounds = args.number("rounds", 3);
    Path work = Path.of(args.text("work", "target/bench-latency"));
    Path results = Path.of(args.text("results", null));
    LatencyPhase phase = new LatencyPhase(args);
    args.requireAllTaken();
    for (int round = 1; round <= rounds; round++) {
      ObjectNode line = JSON.createObjectNode().put("rep", round).put("name", "latency");
      line.set("result", phase.round(work.resolve("round-" + round)));
      Files.writeString(
          results,
          JSON.writeValueAsString(line) + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      System.err.println("latency: round " + round + " of " + rounds + " done");
    }
  }

  private ObjectNode round(Path dir) throws Exception {
    Path effects = dir.resolve("effects.log");
    Files.createDirectories(dir);
    ObjectNode result = JSON.createObjectNode();
    List<String> jvm = List.of();
    if (aotCache != null) {
      result.put("startup_without_cache_ms", startUpOnly(dir.resolve("without-cache")));
      jvm = List.of("-XX:AOTCache=" + aotCache);
    }
    List<String> options =
        new ArrayList<>(
            List.of(
                "--effects-log",
                effects.toString(),
                "--create-rate-per-account",
                "0",
                "--create-rate-per-workflow",
                "0"));
    if (maxRunning != null) {
      options.addAll(List.of("--max-running", maxRunning.toString()));
      result.put("max_running", maxRunning);
    }
    long began = System.nanoTime();
    try (BenchServer server = BenchServer.start(jar, dir, options, jvm)) {
      BenchHttp http = new BenchHttp(server.baseUrl(), server.devToken());
      awaitAnswer(http);
      result.put("startup_ms", (System.nanoTime() - began) / 1_000_000.0);
      result.put("aot_cache", aotCache != null);

      http.putWorkflow("latency");
      List<String> sleepers = create(http, "s", samples, i -> SLEEP_AN_HOUR);
      List<String> warmers = create(http, "w", WARM_UP, i -> SLEEP_AN_HOUR);
      awaitCount(http, "waiting", samples + WARM_UP);
      // the JIT's first pass over the control path is not what a warm server's operator sees
      timed(http, warmers, "pause");
      timed(http, warmers, "resume");
      timedCalls(http, warmers, "GET", "", null);
      // the resumed instances run again up to their sleep: the measured requests do not share the
      // server with that
      awaitCount(http, "waiting", samples + WARM_UP);
      result.put("control_warm_up", WARM_UP);
      // what the same client and server take to answer a read: the floor of the PATCH rows
      result.set("get_ms", summary(timedCalls(http, sleepers, "GET", "", null)));
      result.set("pause_ms", summary(timed(http, sleepers, "pause")));
      result.set("terminate_ms", summary(timed(http, sleepers, "terminate")));

      result.set("resume_to_next_step_ms", summary(resumeToNextStep(http, effects)));
      // the first wakes of this server, then bursts on the wake path they compiled: the JIT still
      // compiles through the third burst (bench/results/latency-2026-12-05-timer-bursts.md), so
      // the last of them is the warm server's figure
      result.set("timer_lag_ms", summary(timerLag(http, effects, "t")));
      for (int burst = 2; burst <= timerBursts; burst++) {
        ObjectNode lag = summary(timerLag(http, effects, "u" + burst));
        result.set("timer_lag_burst_" + burst + "_ms", lag);
        if (burst == timerBursts) {
          result.set("timer_lag_warm_ms", lag);
          result.put("timer_bursts", timerBursts);
        }
      }
      server.requireAlive();
    }
    return result;
  }

  /** Start-up of a server on a fresh data folder in {@code dir}, which is then stopped. */
  private double startUpOnly(Path dir) throws Exception {
    long began = System.nanoTime();
    try (BenchServer server = BenchServer.start(jar, dir, List.of(), List.of())) {
      awaitAnswer(new BenchHttp(server.baseUrl(), server.devToken()));
      return (System.nanoTime() - began) / 1_000_000.0;
    }
  }

  /** Polls the cheapest authenticated endpoint until it answers 200. */
  private static void awaitAnswer(BenchHttp http) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    while (true) {
      try {
        http.call("GET", "/workflows?per_page=1", null);
        return;
      } catch (IllegalStateException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(5);
      }
    }
  }

  /** Creates {@code n} instances PREFIX-0.. with the params {@code params(i)}, 100 per batch. */
  private static List<String> create(
      BenchHttp http, String prefix, int n, java.util.function.IntFunction<String> params) {
    List<String> ids = new ArrayList<>();
    for (int from = 0; from < n; from += 100) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = from; i < Math.min(n, from + 100); i++) {
        String id = prefix + "-" + i;
        ids.add(id);
        batch.append(i == from ? "" : ",");
        batch.append("{\"instance_id\":\"").append(id).append("\",\"params\":");
        batch.append(params.apply(i)).append("}");
      }
      http.createBatch("latency", batch + "]");
    }
    return ids;
  }

  private static void awaitCount(BenchHttp http, String status, int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    while (http.count("latency", status) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("fewer than " + n + " instances became " + status);
      }
      Thread.sleep(50);
    }
  }

  /** Each PATCH's time from sending to its answer, one at a time, in ms. */
  private static List<Double> timed(BenchHttp http, List<String> ids, String action) {
    return timedCalls(http, ids, "PATCH", "/status", "{\"status\":\"" + action + "\"}");
  }

  /**
   * Each call of {@code method} on an instance (its path, then {@code suffix}) from sending to its
   * answer, one at a time, in ms.
   */
  private static List<Double> timedCalls(
      BenchHttp http, List<String> ids, String method, String suffix, String body) {
    List<Double> ms = new ArrayList<>();
    for (String id : ids) {
      long sent = System.nanoTime();
      http.call(method, "/workflows/latency/instances/" + id + suffix, body);
      ms.add((System.nanoTime() - sent) / 1e6);
    }
    return ms;
  }

  /**
   * Instances paused after their first step (paused while it runs: waitingForPause, then paused
   * once it ended), resumed one at a time; from each resume's sending to its second step's start.
   */
  private List<Double> resumeToNextStep(BenchHttp http, Path effects) throws Exception {
    List<String> ids = create(http, "r", resumes, i -> PAUSED_AFTER_FIRST);
    awaitCount(http, "running", resumes);
    for (String id : ids) {
      http.call(
          "PATCH", "/workflows/latency/instances/" + id + "/status", "{\"status\":\"pause\"}");
    }
    awaitCount(http, "paused", resumes);
    Map<String, Instant> sent = new HashMap<>();
    for (String id : ids) {
      sent.put(id, Instant.now());
      http.call(
          "PATCH", "/workflows/latency/instances/" + id + "/status", "{\"status\":\"resume\"}");
      Thread.sleep(20);
    }
    awaitCount(http, "complete", resumes);
    Map<String, Instant> started = starts(effects, "second-1");
    List<Double> ms = new ArrayList<>();
    ids.forEach(id -> ms.add(Duration.between(sent.get(id), started.get(id)).toNanos() / 1e6));
    return ms;
  }

  /**
   * Instances sleeping until one instant, their ids starting with {@code prefix}; from the instant
   * to the start of the step after the sleep.
   */
  private List<Double> timerLag(BenchHttp http, Path effects, String prefix) throws Exception {
    // far enough ahead for every instance to be created and asleep first
    Instant due = Instant.now().plusSeconds(20 + timers / 500);
    String params =
        "{\"steps\":[{\"sleepUntil\":\"nap\",\"at\":\"" + due + "\"},{\"do\":\"after\"}]}";
    int completeBefore = (int) http.count("latency", "complete");
    int waitingBefore = (int) http.count("latency", "waiting");
    List<String> ids = create(http, prefix, timers, i -> params);
    awaitCount(http, "waiting", waitingBefore + timers);
    if (Instant.now().isAfter(due)) {
      throw new IllegalStateException("the timers were set up after they came due; use fewer");
    }
    awaitCount(http, "complete", completeBefore + timers);
    List<Double> ms = new ArrayList<>();
    Map<String, Instant> started = starts(effects, "after-1");
    ids.forEach(id -> ms.add(Duration.between(due, started.get(id)).toNanos() / 1e6));
    return ms;
  }

  /** The first attempt's start of {@code step} per instance, from the effects log. */
  private static Map<String, Instant> starts(Path effects, String step) throws IOException {
    Map<String, Instant> starts = new HashMap<>();
    for (String line : Files.readAllLines(effects)) {
      String[] f = line.split("\t");
      if (f.length == 5 && f[1].equals("do") && f[2].equals(step) && f[3].equals("1")) {
        starts.putIfAbsent(f[0], Instant.parse(f[4]));
      }
    }
    return starts;
  }

  /** p50, p99, max and count, in ms. */
  private static ObjectNode summary(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    ObjectNode s = JSON.createObjectNode();
    s.put("n", sorted.size());
    s.put("p50", percentile(sorted, 0.50));
    s.put("p99", percentile(sorted, 0.99));
    s.put("max", sorted.getLast());
    return s;
  }

  private static double percentile(List<Double> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
