package dev.stepflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine phase of {@code scripts/bench}: completed 3-step no-op instances per second of
 * Stepflow on SQLite (durability normal and full) and on PostgreSQL (one node, three nodes), and
 * DBOS Transact running the same 3-step workflow on the same PostgreSQL server (fsync and
 * synchronous_commit on), side by side in every round in rotated order, each case on a fresh data
 * folder or database. With {@code --footprint-rounds=N} it also measures the server holding {@code
 * --sleepers} sleeping instances (heap after a full GC, live threads). The runs reuse {@link
 * EngineBench} and {@link ClusterBench}; this class only chooses the cases and writes one JSON line
 * per measurement to {@code --results} (appended), which bench/report.py renders.
 *
 * <p>Options: {@code --rounds=3 --instances=20000 --warmup=3000 --warmup-seconds=15 --clients=6
 * --nodes=3 --round-minutes=8 --server-jvm="-Xmx512m" --footprint-rounds=0 --sleepers=100000
 * --cases=all --dbos=bench/dbos/target --work=target/bench-engine-phase --results=<file>
 * --twin-jar=<jar>}; {@code --cases} takes a comma-separated subset of the case keys (e.g. {@code
 * dbos-postgres,postgres-1-node}). With {@code --twin-jar} (another build, e.g. the commit before a
 * change) the rounds also run SQLite (durability normal) and PostgreSQL (one node) on that jar, so
 * that a change is measured side by side with what it changes, in the same rounds. Diagnostics:
 * {@code --pg-statements=N} writes the N statements PostgreSQL spent most time on in each
 * PostgreSQL case to {@code work/statements-r<round>-<case>.md}; it needs the JVM property {@code
 * -Dstepflow.pg.statements=true} (the server then loads pg_stat_statements).
 */
public final class EnginePhase {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A case of the phase, in the order of round 1. */
  enum Case {
    SQLITE_NORMAL("sqlite-normal"),
    SQLITE_FULL("sqlite-full"),
    PG_ONE("postgres-1-node"),
    PG_MANY("postgres-n-nodes"),
    DBOS("dbos-postgres"),
    SQLITE_NORMAL_TWIN("sqlite-normal-twin"),
    PG_ONE_TWIN("postgres-1-node-twin");

    final String key;

    Case(String key) {
      this.key = key;
    }

    boolean onPostgres() {
      return this == PG_ONE || this == PG_MANY || this == DBOS || this == PG_ONE_TWIN;
    }

    /** A case that runs the twin jar (another build), to measure a change side by side. */
    boolean twin() {
      return this == SQLITE_NORMAL_TWIN || this == PG_ONE_TWIN;
    }

    static Case of(String key) {
      return Arrays.stream(values())
          .filter(c -> c.key.equals(key))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no engine case " + key));
    }
  }

  private final int rounds;
  private final int instances;
  private final int warmup;
  private final int warmupSeconds;
  private final int clients;
  private final Duration roundLimit;
  private final String serverJvm;
  private final Path dbos;
  private final Path work;
  private final Path results;
  private final List<Case> cases;
  private String statsUrl;
  private final int statements;
  private final EngineBench.Options sqlite;
  private final ClusterBench.Options postgres;
  private final EngineBench.Options sqliteTwin;
  private final ClusterBench.Options postgresTwin;

  private EnginePhase(BenchArgs args) {
    rounds = args.number("rounds", 3);
    instances = args.number("instances", 20_000);
    warmup = args.number("warmup", 3_000);
    warmupSeconds = args.number("warmup-seconds", 15);
    clients = args.number("clients", 6);
    roundLimit = Duration.ofMinutes(args.number("round-minutes", 8));
    serverJvm = args.text("server-jvm", "-Xmx512m");
    dbos = args.path("dbos", "bench/dbos/target");
    work = args.path("work", "target/bench-engine-phase");
    results = Path.of(required(args.text("results", null)));
    statements = args.number("pg-statements", 0);
    String chosen = args.text("cases", "all");
    String twinJar = args.text("twin-jar", "");
    cases =
        chosen.equals("all")
            ? Arrays.stream(Case.values()).filter(c -> !c.twin() || !twinJar.isEmpty()).toList()
            : Arrays.stream(chosen.split(",")).map(Case::of).toList();
    if (twinJar.isEmpty() && cases.stream().anyMatch(Case::twin)) {
      throw new IllegalArgumentException("the twin cases need --twin-jar");
    }
    String common =
        "--instances=%d --warmup=%d --warmup-seconds=%d --clients=%d --round-minutes=%d"
            .formatted(instances, warmup, warmupSeconds, clients, roundLimit.toMinutes());
    int nodes = args.number("nodes", 3);
    String twin = twinJar.isEmpty() ? "target/stepflow.jar" : twinJar;
    sqlite = sqliteOptions(common, "sqlite", "target/stepflow.jar");
    postgres = postgresOptions(common, nodes, "postgres", "target/stepflow.jar");
    sqliteTwin = sqliteOptions(common, "sqlite-twin", twin);
    postgresTwin = postgresOptions(common, nodes, "postgres-twin", twin);
  }

  /** The SQLite cases' runner options: {@code jar}, in {@code work/folder}. */
  private EngineBench.Options sqliteOptions(String common, String folder, String jar) {
    return EngineBench.Options.parse(
        words(
            common, "--work=" + work.resolve(folder), "--server-jvm=" + serverJvm, "--jar=" + jar));
  }

  /**
   * The PostgreSQL cases' runner options: {@code jar} on up to {@code nodes}, in {@code
   * work/folder}.
   */
  private ClusterBench.Options postgresOptions(
      String common, int nodes, String folder, String jar) {
    return ClusterBench.Options.parse(
        words(
            common,
            "--nodes=" + nodes,
            "--work=" + work.resolve(folder),
            "--server-jvm=" + serverJvm,
            "--jar=" + jar));
  }

  public static void main(String[] argv) throws Exception {
    BenchArgs args = new BenchArgs(argv);
    EnginePhase phase = new EnginePhase(args);
    int footprintRounds = args.number("footprint-rounds", 0);
    EngineBench.Options footprint =
        EngineBench.Options.parse(
            new String[] {
              "--sleepers=" + args.number("sleepers", 100_000),
              "--work=" + phase.work.resolve("footprint")
            });
    args.requireAllTaken();
    boolean failed = false;
    if (phase.rounds > 0) {
      failed = phase.throughput();
    }
    for (int round = 1; round <= footprintRounds; round++) {
      EngineBench.log("footprint round %d/%d", round, footprintRounds);
      failed |= phase.footprint(footprint, round);
    }
    System.exit(failed ? 1 : 0);
  }

  /** Every round runs every case, rotated; returns whether a run failed. */
  private boolean throughput() throws IOException, InterruptedException {
    Map<String, Object> setup = new LinkedHashMap<>(postgresSettings());
    setup.putAll(
        Map.of(
            "instances", instances,
            "warmup", warmup,
            "warmup_seconds", warmupSeconds,
            "clients", clients,
            "nodes", postgres.nodes(),
            "server_jvm", serverJvm));
    write(0, "engine-setup", setup);
    boolean failed = false;
    for (int round = 1; round <= rounds; round++) {
      for (int p = 0; p < cases.size(); p++) {
        Case c = cases.get((p + round - 1) % cases.size());
        EngineBench.log("engine round %d/%d: %s", round, rounds, c.key);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("position", p + 1);
        result.put("load", EngineBench.loadAverage());
        if (statements > 0 && c.onPostgres()) {
          PgStatements.reset(statsUrl);
        }
        PgActivity before = PgActivity.now(statsUrl);
        String failure = run(c, round, p + 1, result);
        if (c.onPostgres()) {
          // the sessions of the case have ended, so PostgreSQL counted all they did
          Thread.sleep(500);
          result.put(
              "postgres_per_instance",
              PgActivity.now(statsUrl)
                  .perInstanceSince(before, instances + (int) result.get("warmed")));
          if (statements > 0) {
            Files.createDirectories(work);
            Files.writeString(
                work.resolve("statements-r" + round + "-" + c.key + ".md"),
                PgStatements.top(statsUrl, statements));
          }
        }
        result.put("failure", failure);
        failed |= failure != null;
        EngineBench.log(
            "  -> %s",
            failure != null
                ? "FAILED: " + failure
                : String.format(Locale.ROOT, "%.0f instances/s", result.get("per_second")));
        write(round, "engine:" + c.key, result);
      }
    }
    return failed;
  }

  /** One case of one round; fills {@code result}; returns the failure, or null. */
  private String run(Case c, int round, int position, Map<String, Object> result)
      throws IOException {
    double seconds;
    String failure;
    switch (c) {
      case SQLITE_NORMAL, SQLITE_FULL, SQLITE_NORMAL_TWIN -> {
        ThroughputRun r =
            ThroughputRound.run(
                c.twin() ? sqliteTwin : sqlite,
                c == Case.SQLITE_FULL ? EngineBench.Case.THREE_FULL : EngineBench.Case.THREE,
                round,
                position);
        seconds = r.seconds();
        failure = r.failure();
        result.put("warmed", r.warmed());
      }
      case PG_ONE, PG_MANY, PG_ONE_TWIN -> {
        ClusterBench.Run r =
            ClusterBench.round(
                c.twin() ? postgresTwin : postgres,
                c == Case.PG_MANY ? ClusterBench.Case.MANY : ClusterBench.Case.ONE,
                round,
                position);
        seconds = r.seconds();
        failure = r.failure();
        result.put("warmed", r.warmed());
      }
      default -> {
        try {
          DbosProcess.Result r =
              DbosProcess.run(
                  dbos.toAbsolutePath(),
                  work.resolve("dbos").resolve("r" + round),
                  TestPostgres.shared().createDatabase(),
                  TestPostgres.USER,
                  instances,
                  new WarmUp(warmup, Duration.ofSeconds(warmupSeconds)),
                  clients,
                  List.of(serverJvm.split("\\s+")),
                  roundLimit);
          seconds = r.seconds();
          result.put("warmed", r.warmed());
          result.put("version", r.version());
          failure = null;
        } catch (IOException | InterruptedException | RuntimeException e) {
          seconds = 0;
          result.put("warmed", 0);
          failure = e.toString().replace('\n', ' ');
        }
      }
    }
    result.put("seconds", seconds);
    result.put("per_second", failure == null ? instances / seconds : 0.0);
    return failure;
  }

  /** One footprint round (EngineBench's); returns whether it failed. */
  private boolean footprint(EngineBench.Options o, int round) throws IOException {
    FootprintRun r = FootprintRound.run(o, round);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("failure", r.failure());
    result.put("sleepers", o.sleepers());
    if (r.failure() == null) {
      result.put("idle_heap_kb", r.idleHeap().usedKb());
      result.put("heap_kb", r.heap().usedKb());
      result.put("idle_java_threads", r.idleThreads().java());
      result.put("java_threads", r.threads().java());
      result.put("idle_os_threads", r.idleThreads().os());
      result.put("os_threads", r.threads().os());
      result.put("rss_kb", r.rssKb());
      result.put("waiting_seconds", r.waitingSeconds());
    }
    write(round, "footprint", result);
    return r.failure() != null;
  }

  /** The PostgreSQL server's version and durability settings, read from the server itself. */
  private Map<String, Object> postgresSettings() {
    String url = TestPostgres.shared().createDatabase();
    statsUrl = url;
    try (Connection c = DriverManager.getConnection(url, TestPostgres.USER, null);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT current_setting('server_version'), current_setting('fsync'),"
                    + " current_setting('synchronous_commit'), current_setting('wal_sync_method')")) {
      rs.next();
      return Map.of(
          "pg_version", rs.getString(1),
          "fsync", rs.getString(2),
          "synchronous_commit", rs.getString(3),
          "wal_sync_method", rs.getString(4));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the PostgreSQL settings", e);
    }
  }

  private void write(int round, String name, Map<String, Object> result) throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("rep", round);
    line.put("name", name);
    line.put("result", result);
    Files.writeString(
        results,
        JSON.writeValueAsString(line) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static String[] words(String common, String... more) {
    List<String> all = new ArrayList<>(List.of(common.split(" ")));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static String required(String value) {
    if (value == null) {
      throw new IllegalArgumentException("--results=<file> is required");
    }
    return value;
  }
}
