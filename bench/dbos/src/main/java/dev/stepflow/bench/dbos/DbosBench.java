package dev.stepflow.bench.dbos;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.StartWorkflowOptions;
import dev.dbos.transact.config.DBOSConfig;
import dev.dbos.transact.workflow.Queue;
import dev.dbos.transact.workflow.WorkflowHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * DBOS Transact's side of Stepflow's engine benchmark: starts {@code --instances} workflows of
 * three no-op steps on the PostgreSQL database {@code --db-url} and measures the time from the
 * first start to the last result, after a warm-up in the same process: waves of {@code --warmup}
 * workflows until {@code --warmup-seconds} have passed (at least one wave). Prints one line {@code
 * DBOS_RESULT {...}} (JSON) for the caller.
 *
 * <p>{@code --mode=direct} (the default) starts each workflow with {@code startWorkflow} from
 * {@code --clients} threads: DBOS records the workflow and runs it at once in this process, its
 * fastest path. {@code --mode=queue} enqueues them on a DBOS queue instead ({@code
 * --queue-concurrency}, {@code --queue-poll-ms}), as an application that spreads work over
 * processes would. The process exits by itself after {@code --limit-seconds}.
 */
public final class DbosBench {
  private final DBOS dbos;
  private final ThreeSteps workflow;
  private final Queue queue;
  private final int clients;

  private DbosBench(DBOS dbos, ThreeSteps workflow, Queue queue, int clients) {
    this.dbos = dbos;
    this.workflow = workflow;
    this.queue = queue;
    this.clients = clients;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = options(args);
    int instances = Integer.parseInt(opt.getOrDefault("instances", "3000"));
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "500"));
    long warmupNanos =
        Duration.ofSeconds(Long.parseLong(opt.getOrDefault("warmup-seconds", "0"))).toNanos();
    int clients = Integer.parseInt(opt.getOrDefault("clients", "6"));
    String mode = opt.getOrDefault("mode", "direct");
    watchdog(Duration.ofSeconds(Long.parseLong(opt.getOrDefault("limit-seconds", "300"))));

    DBOSConfig config =
        DBOSConfig.defaults("stepflow-bench")
            .withDatabaseUrl(required(opt, "db-url"))
            .withDbUser(required(opt, "db-user"))
            // DBOS requires a password; the benchmark's server trusts local connections
            .withDbPassword(opt.getOrDefault("db-password", ""))
            .withAdminServer(false);
    try (DBOS dbos = new DBOS(config)) {
      Queue queue = null;
      if (mode.equals("queue")) {
        queue =
            new Queue("bench")
                .withWorkerConcurrency(
                    Integer.parseInt(opt.getOrDefault("queue-concurrency", "100")))
                .withPollingInterval(
                    Duration.ofMillis(Long.parseLong(opt.getOrDefault("queue-poll-ms", "50"))));
        dbos.registerQueue(queue);
      } else if (!mode.equals("direct")) {
        throw new IllegalArgumentException("--mode is direct or queue; got " + mode);
      }
      ThreeSteps proxy = dbos.registerProxy(ThreeSteps.class, new NoOpThreeSteps(dbos));
      dbos.launch();
      DbosBench bench = new DbosBench(dbos, proxy, queue, clients);
      // waves of warm-up until the time has passed, as Stepflow's cases do (bench WarmUp)
      int warmed = 0;
      long warmUntil = System.nanoTime() + warmupNanos;
      while (warmup > 0 && (warmed == 0 || System.nanoTime() < warmUntil)) {
        bench.runAll("warm" + (warmed / warmup + 1), warmup);
        warmed += warmup;
      }
      double seconds = bench.runAll("bench", instances);
      System.out.printf(
          Locale.ROOT,
          "DBOS_RESULT {\"seconds\":%.3f,\"per_second\":%.1f,\"instances\":%d,\"warmed\":%d,"
              + "\"mode\":\"%s\",\"version\":\"%s\"}%n",
          seconds,
          instances / seconds,
          instances,
          warmed,
          mode,
          DBOS.version());
    }
    System.exit(0);
  }

  /**
   * Starts {@code count} workflows {@code prefix-N} from the client threads, then waits for every
   * result; returns the seconds from the first start to the last result. Fails when a result is not
   * the three steps' outputs.
   */
  private double runAll(String prefix, int count) throws Exception {
    AtomicReferenceArray<WorkflowHandle<String, RuntimeException>> handles =
        new AtomicReferenceArray<>(count);
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> submitters = new ArrayList<>();
      for (int t = 0; t < clients; t++) {
        submitters.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    handles.set(i, start(String.format(Locale.ROOT, "%s-%07d", prefix, i)));
                  }
                }));
      }
      for (Future<?> f : submitters) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < count; i++) {
      String result = handles.get(i).getResult();
      if (!"abc".equals(result)) {
        throw new IllegalStateException(handles.get(i).workflowId() + " returned " + result);
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private WorkflowHandle<String, RuntimeException> start(String id) {
    StartWorkflowOptions options = new StartWorkflowOptions(id);
    if (queue != null) {
      options = options.withQueue(queue);
    }
    return dbos.startWorkflow(workflow::run, options);
  }

  /** Ends the process when the run takes longer than {@code limit}: every run is bounded. */
  private static void watchdog(Duration limit) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(limit.toMillis());
                System.err.println("DBOS benchmark: time limit of " + limit + " passed");
                Runtime.getRuntime().halt(3);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "watchdog");
    t.setDaemon(true);
    t.start();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opt = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("options are --name=value; got " + arg);
      }
      opt.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    return opt;
  }

  private static String required(Map<String, String> opt, String name) {
    String value = opt.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
