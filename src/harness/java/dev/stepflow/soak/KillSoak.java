package dev.stepflow.soak;

import dev.stepflow.bench.BenchArgs;
import dev.stepflow.domain.Status;
import dev.stepflow.soak.SoakEffects.Kill;
import dev.stepflow.soak.SoakStore.Held;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.EffectLine;
import dev.stepflow.testing.StepflowProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The kill -9 soak (issue 7): rounds of mixed load against the packaged server, each ended by
 * SIGKILL at a random moment, on one store that outlives all rounds. A round starts the server on
 * the store, lets {@code clients} threads send creates (single and batch), pause, resume,
 * terminate, terminate with rollback, restart and events for 1 to 5 s while {@link SoakScript}
 * instances run steps, sleeps, retries and event waits, then kills the process. With the server
 * down the soak reads the store and checks what {@link SoakChecks} and {@link SoakEffects} describe
 * (acknowledged creates, changes and events survived; every history a path through the table; no
 * committed attempt ran again; an uncommitted one ran again only in a later process). After the
 * last round a final process resumes everything paused and waits for every instance to finish
 * (bounded), and {@link SoakOutcomes} checks where each ended.
 *
 * <p>Run by {@code scripts/soak} ({@code --rounds=50 --minutes=10 --seed=S --store=sqlite|postgres
 * --durability=normal|full --clients=4 --requests=2000 --creates=40 --settle-seconds=120
 * --work=target/soak}) and, short, by {@link KillSoakIT}. Everything random follows from the seed,
 * except what the machine's timing decides.
 */
public final class KillSoak {
  static final String ACCOUNT = "soak";
  static final String WORKFLOW = "soak";
  private static final String WF = "/client/v4/accounts/" + ACCOUNT + "/workflows/" + WORKFLOW;

  /** What a soak is told to do. {@code minutes} bounds the rounds' total time. */
  record Options(
      int rounds,
      double minutes,
      long seed,
      String store,
      String durability,
      int clients,
      int requests,
      int creates,
      Duration settle,
      Path work) {

    static Options parse(String[] args) {
      BenchArgs a = new BenchArgs(args);
      String seed = a.text("seed", null);
      Options options =
          new Options(
              a.number("rounds", 50),
              Double.parseDouble(a.text("minutes", "10")),
              seed == null ? new Random().nextLong() : Long.parseLong(seed),
              a.text("store", "sqlite"),
              a.text("durability", "normal"),
              a.number("clients", 4),
              a.number("requests", 2000),
              a.number("creates", 40),
              Duration.ofSeconds(a.number("settle-seconds", 120)),
              a.path("work", "target/soak"));
      a.requireAllTaken();
      return options;
    }

    String replay() {
      return "--rounds=%d --seed=%d --store=%s --durability=%s --clients=%d --requests=%d --creates=%d"
          .formatted(rounds, seed, store, durability, clients, requests, creates);
    }
  }

  /** What a soak did and found. */
  record Summary(
      Options options,
      int rounds,
      long sent,
      long acknowledged,
      long refused,
      int unanswered,
      int events,
      int instances,
      long reruns,
      Duration took,
      List<String> failures) {

    String text() {
      return String.format(
              "Kill -9 soak (seed %d, %s store, durability %s): %d rounds, %d kills; %d requests sent,"
                  + " %d acknowledged, %d refused with 409, %d unanswered at a kill; %d events"
                  + " acknowledged; %d instances checked at the end; %d step attempts re-run as allowed"
                  + " (in flight at a kill); %d failures; %d s%n  replay: %s%n",
              options.seed(),
              options.store(),
              options.durability(),
              rounds,
              rounds,
              sent,
              acknowledged,
              refused,
              unanswered,
              events,
              instances,
              reruns,
              failures.size(),
              took.toSeconds(),
              options.replay())
          + String.join("\n", failures.stream().limit(20).map(f -> "  FAILURE: " + f).toList());
    }
  }

  private final Options options;
  private final SoakLedger ledger = new SoakLedger();
  private final List<Kill> kills = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final Random random;
  private final Path effectsLog;
  private final Path logs;
  private final SoakStore store;
  private long reruns;

  private KillSoak(Options options) throws IOException {
    this.options = options;
    this.random = new Random(options.seed());
    Files.createDirectories(options.work());
    Path run = Files.createTempDirectory(options.work(), "soak-" + options.seed() + "-");
    this.effectsLog = run.resolve("effects.log");
    this.logs = Files.createDirectories(run.resolve("logs"));
    this.store = SoakStore.create(options.store(), run.resolve("data"), options.durability());
  }

  public static void main(String[] args) throws Exception {
    Summary summary = run(Options.parse(args));
    System.out.println(summary.text());
    System.exit(summary.failures().isEmpty() ? 0 : 1);
  }

  static Summary run(Options options) throws Exception {
    return new KillSoak(options).soak();
  }

  private Summary soak() throws Exception {
    long started = System.nanoTime();
    long deadline = started + (long) (options.minutes() * 60e9);
    System.out.printf(
        "Kill -9 soak: seed %d (replay with --seed=%d)%n", options.seed(), options.seed());
    for (int round = 0; round < options.rounds() && failures.isEmpty(); round++) {
      if (System.nanoTime() > deadline) {
        break;
      }
      killedRound(round);
      System.out.printf(
          "round %d: killed; %d instances, %d acknowledged, %d failures%n",
          round, ledger.created.size(), ledger.acknowledged.get(), failures.size());
    }
    int checked = failures.isEmpty() ? settle() : 0;
    return new Summary(
        options,
        kills.size(),
        ledger.sent.get(),
        ledger.acknowledged.get(),
        ledger.refused.get(),
        ledger.unanswered.size(),
        ledger.events.size(),
        checked,
        reruns,
        Duration.ofNanos(System.nanoTime() - started),
        failures);
  }

  private void killedRound(int round) throws Exception {
    Instant killed;
    try (StepflowProcess server = start("round-" + round)) {
      if (round == 0) {
        putWorkflow(server.client());
      }
      SoakLoad load =
          new SoakLoad(server.client(), WF, ledger, round, options.requests(), options.creates());
      load.start(options.clients(), random.nextLong());
      Thread.sleep(1000 + random.nextInt(4000));
      if (!server.isAlive()) {
        failures.add(
            "round " + round + ": the server died before the kill: " + server.stderrTail());
      }
      int exit = server.kill();
      killed = Instant.now();
      load.stop();
      if (exit != 137) {
        failures.add("round " + round + ": exit value " + exit + " after SIGKILL, expected 137");
      }
    }
    List<EffectLine> lines = EffectLine.read("soak", effectsLog);
    Map<String, Held> held = readStore();
    Set<String> terminated = new HashSet<>();
    held.forEach(
        (id, h) -> {
          if (h.status() == Status.TERMINATED) {
            terminated.add(id);
          }
        });
    kills.add(new Kill(round, killed, lines.size(), SoakEffects.committed(held), terminated));
    check(lines, held, "round " + round);
  }

  /** Reads the store; the instances whose create got no answer are known from now on, or never. */
  private Map<String, Held> readStore() {
    Set<String> ids = new HashSet<>(ledger.created.keySet());
    ids.addAll(ledger.maybeCreated.keySet());
    Map<String, Held> held = store.read(ACCOUNT, WORKFLOW, ids);
    Map.copyOf(ledger.maybeCreated)
        .forEach(
            (id, script) -> {
              if (held.containsKey(id)) {
                ledger.created(id, script);
              }
            });
    ledger.maybeCreated.clear();
    return held;
  }

  private SoakEffects check(List<EffectLine> lines, Map<String, Held> held, String when) {
    SoakChecks checks = new SoakChecks(ledger, held).all();
    ledger.problems.forEach(p -> checks.fail("answer: %s", p));
    ledger.problems.clear();
    SoakEffects effects = new SoakEffects(lines, kills, held, checks).check();
    reruns = effects.reruns();
    checks.failures().forEach(f -> failures.add(when + ": " + f));
    return effects;
  }

  /** The last process: resume what is paused until every instance finished; then the outcomes. */
  private int settle() throws Exception {
    try (StepflowProcess server = start("settle")) {
      ApiClient api = server.client();
      long deadline = System.nanoTime() + options.settle().toNanos();
      while (!finished(api)) {
        if (System.nanoTime() > deadline) {
          failures.add(
              "instances did not finish within " + options.settle() + " after the last kill");
          break;
        }
        resumePaused(api);
        Thread.sleep(250);
      }
      server.stop();
    }
    Map<String, Held> held = readStore();
    SoakChecks checks = new SoakChecks(ledger, held);
    SoakEffects effects = check(EffectLine.read("soak", effectsLog), held, "end");
    int checked = new SoakOutcomes(ledger, held, effects, checks).check();
    checks.failures().forEach(f -> failures.add("end: " + f));
    return checked;
  }

  private boolean finished(ApiClient api) {
    long all = count(api, "");
    long done =
        count(api, "&status=complete")
            + count(api, "&status=errored")
            + count(api, "&status=terminated");
    return done == all;
  }

  private static long count(ApiClient api, String filter) {
    ApiResponse page = api.get(WF + "/instances?per_page=1" + filter);
    if (page.status() != 200) {
      throw new IllegalStateException("list: " + page.status() + " " + page.body());
    }
    return page.body().get("result_info").get("total_count").asLong();
  }

  private void resumePaused(ApiClient api) {
    for (String status : List.of("paused", "waitingForPause")) {
      ApiResponse page = api.get(WF + "/instances?per_page=100&status=" + status);
      for (var instance : page.result()) {
        String id = instance.get("id").asText();
        ledger.sent.incrementAndGet();
        ApiResponse answer =
            api.patch(WF + "/instances/" + id + "/status", "{\"status\":\"resume\"}");
        if (answer.status() == 200) {
          ledger.acknowledged.incrementAndGet();
          ledger.changes.add(
              new SoakLedger.Change(
                  id,
                  "resume",
                  answer.result().get("status").asText(),
                  Instant.parse(answer.result().get("timestamp").asText())));
        }
      }
    }
  }

  private StepflowProcess start(String name) throws IOException {
    return StepflowProcess.start(store.dataDir(), logs, name, store.serveOptions(effectsLog));
  }

  private static void putWorkflow(ApiClient api) {
    ApiResponse put = api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"soak\"}");
    if (put.status() != 200) {
      throw new IllegalStateException("PUT workflow: " + put.body());
    }
  }
}
