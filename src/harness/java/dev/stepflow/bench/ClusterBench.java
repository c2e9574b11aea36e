package dev.stepflow.bench;

import dev.stepflow.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cluster benchmark (not a test; run by {@code scripts/bench-cluster}): completed 3-step no-op
 * Scripted instances per second of one node, and of three nodes (separate processes) sharing one
 * database, on the same PostgreSQL server (a private cluster of the machine's installation with
 * fsync on, as the tests use). Each round runs both cases, in alternating order, each on a fresh
 * database with fresh node processes; the load generator's clients are spread over the nodes, and
 * the time runs from the first batch sent to the moment every instance is complete.
 *
 * <p>Options: {@code --rounds=3 --instances=3000 --warmup=500 --warmup-seconds=0 --clients=6
 * --batch=100 --nodes=3 --round-minutes=5 --server-jvm="-Xmx512m" --jar=target/stepflow.jar
 * --work=target/bench-cluster --results=bench/results}. Prints a Markdown report and writes it to
 * {@code results/cluster-YYYY-MM-DD.md}.
 */
public final class ClusterBench {
  /** How many nodes share the database. */
  enum Case {
    ONE,
    MANY
  }

  record Options(
      int rounds,
      int instances,
      int warmup,
      Duration warmupTime,
      int clients,
      int batch,
      int nodes,
      Duration roundLimit,
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
              opt.number("instances", 3_000),
              opt.number("warmup", 500),
              Duration.ofSeconds(opt.number("warmup-seconds", 0)),
              opt.number("clients", 6),
              opt.number("batch", 100),
              opt.number("nodes", 3),
              Duration.ofMinutes(opt.number("round-minutes", 5)),
              opt.words("server-jvm", List.of("-Xmx512m")),
              opt.path("jar", "target/stepflow.jar"),
              opt.path("work", "target/bench-cluster"),
              opt.path("results", "bench/results"),
              String.join(" ", args));
      opt.requireAllTaken();
      if (o.batch < 1 || o.batch > 100 || o.nodes < 2) {
        throw new IllegalArgumentException("--batch must be 1 to 100 and --nodes at least 2");
      }
      return o;
    }

    /** Waves of {@code warmup} instances for at least {@code warmupTime}. */
    WarmUp warmUp() {
      return new WarmUp(warmup, warmupTime);
    }

    int nodesOf(Case c) {
      return c == Case.ONE ? 1 : nodes;
    }
  }

  /** One measured round of one case; {@code failure} is null when it succeeded. */
  record Run(
      Case c, int round, int position, int warmed, double seconds, String load, String failure) {
    double perSecond(int instances) {
      return instances / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    if (!Files.isRegularFile(o.jar())) {
      throw new IllegalStateException(o.jar() + " is missing; build with mvn package first");
    }
    ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    TestPostgres.shared();
    List<Run> runs = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++) {
      List<Case> order =
          round % 2 == 1 ? List.of(Case.ONE, Case.MANY) : List.of(Case.MANY, Case.ONE);
      for (int p = 0; p < order.size(); p++) {
        Case c = order.get(p);
        EngineBench.log("round %d/%d: %d node(s)", round, o.rounds(), o.nodesOf(c));
        Run run = round(o, c, round, p + 1);
        runs.add(run);
        EngineBench.log(
            "  -> %s",
            run.failure() != null
                ? "FAILED: " + run.failure()
                : String.format(
                    Locale.ROOT,
                    "%.0f instances/s (%.1f s)",
                    run.perSecond(o.instances()),
                    run.seconds()));
      }
    }
    String report = ClusterReport.render(o, started, ZonedDateTime.now(ZoneOffset.UTC), runs);
    System.out.println(report);
    Files.createDirectories(o.results());
    Path file = o.results().resolve("cluster-" + started.toLocalDate() + ".md");
    Files.writeString(file, report);
    EngineBench.log("report written to %s", file);
    System.exit(runs.stream().anyMatch(r -> r.failure() != null) ? 1 : 0);
  }

  static Run round(Options o, Case c, int round, int position) throws IOException {
    Path dir = o.work().resolve("r" + round + "-" + o.nodesOf(c) + "-nodes");
    EngineBench.deleteTree(dir);
    long deadline = System.nanoTime() + o.roundLimit().toNanos();
    String load = EngineBench.loadAverage();
    List<BenchServer> nodes = new ArrayList<>();
    try {
      String url = TestPostgres.shared().createDatabase();
      nodes.add(
          BenchServer.start(o.jar(), dir.resolve("node-1"), serve(url, 1, null), o.serverJvm()));
      // the other nodes accept the first node's dev token: they use its tokens file
      Path tokens = dir.resolve("node-1").resolve("data").resolve("tokens.json");
      for (int n = 2; n <= o.nodesOf(c); n++) {
        nodes.add(
            BenchServer.start(
                o.jar(), dir.resolve("node-" + n), serve(url, n, tokens), o.serverJvm()));
      }
      String token = nodes.getFirst().devToken();
      List<BenchHttp> http =
          nodes.stream().map(node -> new BenchHttp(node.baseUrl(), token)).toList();
      int warmed =
          o.warmUp()
              .run(
                  (index, count) ->
                      submitAndAwait(
                          o, http, nodes.getFirst(), "warmup-" + index, count, deadline));
      double seconds = submitAndAwait(o, http, nodes.getFirst(), "bench", o.instances(), deadline);
      return new Run(c, round, position, warmed, seconds, load, null);
    } catch (RuntimeException | IOException | InterruptedException e) {
      return new Run(c, round, position, 0, 0, load, e.toString().replace('\n', ' '));
    } finally {
      nodes.forEach(BenchServer::close);
    }
  }

  /** Submits {@code count} 3-step instances over every node; seconds until all are complete. */
  private static double submitAndAwait(
      Options o, List<BenchHttp> http, BenchServer first, String workflow, int count, long deadline)
      throws InterruptedException {
    http.getFirst().putWorkflow(workflow);
    List<String> bodies = Load.bodies(workflow, count, EngineBench.THREE_STEPS, o.batch());
    long t0 = System.nanoTime();
    long done;
    try (Load submit = Load.start(http, workflow, bodies, o.clients(), deadline)) {
      done =
          EngineBench.awaitCount(
              http.getFirst(), workflow, "complete", count, 20, deadline, submit, first, null);
      submit.await();
    } finally {
      // errored instances never complete: say so, and why, instead of only "time limit passed"
      long errored = http.getFirst().count(workflow, "errored");
      if (errored > 0) {
        throw new IllegalStateException(
            errored + " instances errored, e.g. " + http.getFirst().oneError(workflow));
      }
    }
    return (done - t0) / 1e9;
  }

  /** A node on the database {@code url}; nodes after the first use the first one's tokens. */
  private static List<String> serve(String url, int node, Path tokens) {
    List<String> options =
        new ArrayList<>(
            List.of(
                "--store",
                "postgres",
                "--db-url",
                url,
                "--db-user",
                TestPostgres.USER,
                "--node-id",
                "bench-" + node,
                "--create-rate-per-account",
                "0",
                "--create-rate-per-workflow",
                "0"));
    if (tokens != null) {
      options.addAll(List.of("--tokens", tokens.toString()));
    }
    return options;
  }

  private ClusterBench() {}
}
