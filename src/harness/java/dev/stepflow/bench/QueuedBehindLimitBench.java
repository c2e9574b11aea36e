package dev.stepflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What instances waiting behind a workflow's concurrency limit cost the rest of a server: on a
 * fresh SQLite server, a workflow with a concurrency limit ({@code --limit}) gets {@code --blocked}
 * instances that cannot start. With {@code --kind=queued}, their one step takes ten minutes, so all
 * but the limit's stay queued. With {@code --kind=timers}, each first sleeps until one shared
 * instant (a few at a time they start and go to sleep, which frees their slots), as many as the
 * limit then hold every slot with a ten-minute step, and the sleeps all come due behind them. Then,
 * per server:
 *
 * <ul>
 *   <li>idle: the CPU of the dispatcher thread, and of the whole server, over {@code
 *       --idle-seconds} with nothing else to do;
 *   <li>load: {@code --free} instances of another workflow (one step each) created at once; the
 *       time from the first request to the last completion, as instances per second.
 * </ul>
 *
 * <p>With {@code --twin-jar}, each round measures this build's server and the twin's, in
 * alternating order. Options: {@code --kind=queued --limit=2 --rounds=3 --blocked=50000 --free=5000
 * --idle-seconds=20 --jar=target/stepflow.jar --twin-jar=<file> --work=target/bench-queued
 * --results=<file>}. One JSON line per server to {@code --results}.
 */
public final class QueuedBehindLimitBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT_LIMIT = Duration.ofMinutes(5);
  private static final String BLOCKED_PARAMS = "{\"steps\":[{\"do\":\"long\",\"ms\":600000}]}";
  private static final String FREE_PARAMS = "{\"steps\":[{\"do\":\"short\"}]}";

  private final String kind;
  private final int limit;
  private final int blocked;
  private final int free;
  private final int idleSeconds;

  private QueuedBehindLimitBench(String kind, int limit, int blocked, int free, int idleSeconds) {
    if (!kind.equals("queued") && !kind.equals("timers")) {
      throw new IllegalArgumentException("--kind is queued or timers, not " + kind);
    }
    this.kind = kind;
    this.limit = limit;
    this.blocked = blocked;
    this.free = free;
    this.idleSeconds = idleSeconds;
  }

  public static void main(String[] argv) throws Exception {
    BenchArgs args = new BenchArgs(argv);
    int rounds = args.number("rounds", 3);
    Path jar = args.path("jar", "target/stepflow.jar");
    String twin = args.text("twin-jar", null);
    Path work = args.path("work", "target/bench-queued");
    Path results = args.path("results", null);
    QueuedBehindLimitBench bench =
        new QueuedBehindLimitBench(
            args.text("kind", "queued"),
            args.number("limit", 2),
            args.number("blocked", 50_000),
            args.number("free", 5_000),
            args.number("idle-seconds", 20));
    args.requireAllTaken();
    for (int round = 1; round <= rounds; round++) {
      List<String> order = new ArrayList<>(List.of("this"));
      if (twin != null) {
        order.add(round % 2 == 1 ? order.size() : 0, "twin");
      }
      for (String build : order) {
        Path buildJar = build.equals("twin") ? Path.of(twin) : jar;
        ObjectNode result = bench.measure(buildJar, work.resolve("round-" + round + "-" + build));
        ObjectNode line = JSON.createObjectNode().put("rep", round).put("build", build);
        line.put("jar", buildJar.toString()).set("result", result);
        Files.writeString(
            results,
            JSON.writeValueAsString(line) + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        System.err.println("queued-behind-limit: round " + round + ", " + build + ": " + result);
      }
    }
  }

  private ObjectNode measure(Path jar, Path dir) throws Exception {
    List<String> options =
        List.of("--create-rate-per-account", "0", "--create-rate-per-workflow", "0");
    try (BenchServer server = BenchServer.start(jar, dir, options, List.of())) {
      BenchHttp http = new BenchHttp(server.baseUrl(), server.devToken());
      http.call(
          "PUT",
          "/workflows/limited",
          "{\"class_name\":\"Scripted\",\"script_name\":\"bench\",\"concurrency\":{\"limit\":"
              + limit
              + "}}");
      http.putWorkflow("free");
      if (kind.equals("queued")) {
        create(http, "limited", "b", blocked, BLOCKED_PARAMS);
        await(http, "limited", "queued", blocked - limit);
      } else {
        blockTimers(http);
      }

      ObjectNode result = JSON.createObjectNode().put("kind", kind);
      result.put("blocked", blocked).put("free", free);
      BenchServer.Cpu before = server.cpu();
      Thread.sleep(Duration.ofSeconds(idleSeconds));
      BenchServer.Cpu after = server.cpu();
      result.put("idle_seconds", idleSeconds);
      result.put("idle_dispatcher_cpu_share", share(threadTicks(before, after), idleSeconds));
      result.put(
          "idle_process_cpu_share",
          share(after.processTicks() - before.processTicks(), idleSeconds));

      long began = System.nanoTime();
      before = server.cpu();
      create(http, "free", "f", free, FREE_PARAMS);
      await(http, "free", "complete", free);
      double seconds = (System.nanoTime() - began) / 1e9;
      after = server.cpu();
      result.put("free_per_second", free / seconds);
      result.put("load_dispatcher_cpu_seconds", ClockTicks.seconds(threadTicks(before, after)));
      server.requireAlive();
      return result;
    }
  }

  /**
   * The blocked instances go to sleep until one instant, far enough ahead for all of them to start
   * and sleep first; then as many as the limit hold it, and the sleeps come due behind them.
   */
  private void blockTimers(BenchHttp http) throws InterruptedException {
    Instant due = Instant.now().plusSeconds(30 + blocked / 500);
    String sleepers =
        "{\"steps\":[{\"sleepUntil\":\"nap\",\"at\":\"" + due + "\"},{\"do\":\"after\"}]}";
    create(http, "limited", "t", blocked, sleepers);
    await(http, "limited", "waiting", blocked);
    create(http, "limited", "b", limit, BLOCKED_PARAMS);
    await(http, "limited", "running", limit);
    if (Instant.now().isAfter(due)) {
      throw new IllegalStateException("the timers came due before the limit was held; use fewer");
    }
    Thread.sleep(Duration.between(Instant.now(), due).plusSeconds(2));
  }

  private static long threadTicks(BenchServer.Cpu before, BenchServer.Cpu after) {
    return after.threadTicks().getOrDefault("stepflow-dispat", 0L)
        - before.threadTicks().getOrDefault("stepflow-dispat", 0L);
  }

  private static double share(long ticks, int seconds) {
    return ClockTicks.seconds(ticks) / seconds;
  }

  private static void create(BenchHttp http, String workflow, String prefix, int n, String params) {
    for (int from = 0; from < n; from += 100) {
      StringBuilder body = new StringBuilder("[");
      for (int i = from; i < Math.min(n, from + 100); i++) {
        body.append(i == from ? "" : ",")
            .append("{\"instance_id\":\"")
            .append(prefix)
            .append(i)
            .append("\",\"params\":")
            .append(params)
            .append('}');
      }
      http.createBatch(workflow, body.append(']').toString());
    }
  }

  private static void await(BenchHttp http, String workflow, String status, long n)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    while (http.count(workflow, status) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            workflow + ": fewer than " + n + " " + status + " after " + WAIT_LIMIT);
      }
      Thread.sleep(20);
    }
  }
}
