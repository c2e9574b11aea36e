package dev.stepflow.bench;

import dev.stepflow.bench.EngineBench.Case;
import dev.stepflow.bench.EngineBench.FootprintRun;
import dev.stepflow.bench.EngineBench.Options;
import dev.stepflow.bench.EngineBench.ThroughputRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** Renders the benchmark's Markdown report. */
final class Report {
  private Report() {}

  static String render(
      Options o,
      ZonedDateTime started,
      ZonedDateTime ended,
      String loadAtStart,
      String loadAtEnd,
      List<ThroughputRun> throughput,
      List<FootprintRun> footprint) {
    StringBuilder md = new StringBuilder();
    DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm");
    md.append("# Stepflow engine benchmark, ").append(started.toLocalDate()).append("\n\n");
    md.append("- Date: ")
        .append(started.toLocalDate())
        .append(", ")
        .append(started.format(time))
        .append("–")
        .append(ended.format(time))
        .append(" UTC\n");
    md.append("- Machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs (nproc), ")
        .append(cpuModel())
        .append(", ")
        .append(memTotal())
        .append(" RAM, ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.version"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append("; shared with other processes (load average 1/5/15 min at start ")
        .append(loadAtStart)
        .append(", at end ")
        .append(loadAtEnd)
        .append(")\n");
    md.append("- JDK: ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(Runtime.version())
        .append(" (")
        .append(System.getProperty("java.vendor"))
        .append("), for the server and the load generator\n");
    md.append("- Server: `java --enable-native-access=ALL-UNNAMED ")
        .append(o.serverJvm().isEmpty() ? "" : String.join(" ", o.serverJvm()) + " ")
        .append("-jar target/stepflow.jar serve --host 127.0.0.1 --port 0 --data <fresh dir>")
        .append(o.maxRunning() == null ? "" : " --max-running " + o.maxRunning())
        .append(" --durability normal|full`, one process per round, on the same machine as the")
        .append(" load generator (JDK HttpClient, HTTP/1.1, ")
        .append(o.clients())
        .append(" client threads)\n");
    md.append("- Command: `scripts/bench-engine")
        .append(o.commandLine().isEmpty() ? "" : " " + o.commandLine())
        .append("`; ")
        .append(o.rounds())
        .append(" rounds; within a round the cases run in rotated order (round 1: A B C,")
        .append(" round 2: B C A, ...); each round is limited to ")
        .append(o.roundLimit().toMinutes())
        .append(" minutes\n");
    md.append("- Read the ratios (case and baseline measured in the same round) before the")
        .append(" absolute rates: the machine is shared, so rates move with its load\n\n");
    if (o.phases().contains("throughput")) {
      throughput(md, o, throughput);
    }
    if (o.phases().contains("footprint")) {
      footprint(md, o, footprint);
    }
    return md.toString();
  }

  private static void throughput(StringBuilder md, Options o, List<ThroughputRun> runs) {
    md.append("## Throughput: completed instances per second\n\n");
    md.append(String.format(Locale.ROOT, "%,d", o.instances()))
        .append(" instances per case and round, POSTed to `.../instances/batch` in batches of ")
        .append(o.batch())
        .append(" by ")
        .append(o.clients())
        .append(" client threads; timed from the first submit until `GET .../instances?")
        .append("status=complete&per_page=1` reports all of them complete (polled every 20 ms). ")
        .append("Each round first runs ")
        .append(String.format(Locale.ROOT, "%,d", o.warmup()))
        .append(" instances of the same case on another workflow of the same server as a")
        .append(" warm-up. Ratio: case / baseline of the same round.\n\n");
    Map<Case, List<ThroughputRun>> byCase = EngineBench.byCase(runs);
    md.append(
        "| Case | Instances/s, median | min–max | Ratio to 0-step baseline, median (min–max)"
            + " | Rounds |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    for (Case c : Case.values()) {
      Spread rate = Spread.of(byCase.get(c).stream().map(r -> r.perSecond(o.instances())).toList());
      Spread ratio = ratios(runs, c, Case.ZERO, o);
      md.append("| ")
          .append(c.label)
          .append(" | ")
          .append(rate.median("%.0f"))
          .append(" | ")
          .append(rate.range("%.0f"))
          .append(" | ")
          .append(c == Case.ZERO ? "1 (baseline)" : ratio.show("%.3f"))
          .append(" | ")
          .append(rate.n())
          .append(" |\n");
    }
    md.append('\n');
    Spread fullVsNormal = ratios(runs, Case.THREE_FULL, Case.THREE, o);
    Spread stepNormal = perStep(runs, Case.THREE, o);
    md.append("- durability full / durability normal (3 steps, same round): ")
        .append(fullVsNormal.show("%.3f"))
        .append("\n");
    md.append("- Per-step cost, (1/rate(3 steps) − 1/rate(0 steps)) / 3 of the same round, i.e.")
        .append(" engine time per checkpointed no-op step at saturation (durability normal): ")
        .append(stepNormal.show("%.0f"))
        .append(" µs\n");
    md.append("- Per-instance cost of the 0-step baseline, 1/rate: ")
        .append(
            Spread.of(
                    byCase.get(Case.ZERO).stream()
                        .map(r -> 1e6 / r.perSecond(o.instances()))
                        .toList())
                .show("%.0f"))
        .append(" µs\n");
    md.append("- Completions/s while the clients were still submitting vs after the last batch")
        .append(" was acknowledged (creating and running share the one writer):");
    for (Case c : Case.values()) {
      md.append(" ")
          .append(c.label)
          .append(" ")
          .append(
              Spread.of(byCase.get(c).stream().map(ThroughputRun::duringSubmit).toList())
                  .median("%.0f"))
          .append(" vs ")
          .append(
              Spread.of(byCase.get(c).stream().map(r -> r.afterSubmit(o.instances())).toList())
                  .median("%.0f"))
          .append(c == Case.THREE_FULL ? " (medians).\n\n" : ";");
    }

    md.append("### CPU while measuring (server and load generator share the machine's ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs)\n\n");
    md.append(
        "| Case | Server CPU, cores, median (min–max) | Load generator CPU, cores | Server"
            + " threads by CPU time (share of the server's CPU, all rounds) |\n");
    md.append("|---|---:|---:|---|\n");
    for (Case c : Case.values()) {
      List<ThroughputRun> ok = byCase.get(c);
      md.append("| ")
          .append(c.label)
          .append(" | ")
          .append(Spread.of(ok.stream().map(ThroughputRun::serverCores).toList()).show("%.2f"))
          .append(" | ")
          .append(Spread.of(ok.stream().map(ThroughputRun::clientCores).toList()).show("%.2f"))
          .append(" | ")
          .append(threadShares(ok))
          .append(" |\n");
    }
    md.append(
        "\nThread names are Linux's 15-character names with digits as N: `ForkJoinPool-N-`"
            + " are the virtual-thread carriers (HTTP requests and workflow runs both run on"
            + " virtual threads), `stepflow-writer` is the group-commit writer (all SQL writes"
            + " and commits), `stepflow-dispat` the dispatcher, `HTTP-Dispatcher` the JDK"
            + " server's accept/select loop; `C2`/`C1 CompilerThre` the JIT, `GC Thread#N` and"
            + " `G1 ...` the collector.\n\n");

    if (o.stackSamples() > 0) {
      stacks(md, o, byCase);
    }
    md.append("### Rounds\n\n");
    md.append(
        "| Round | Position | Case | Instances/s | Seconds to all complete | Seconds to all"
            + " submitted | Complete when all submitted | Completions/s during / after submit |"
            + " Server cores | Load average at start |\n");
    md.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (ThroughputRun r : runs) {
      md.append("| ")
          .append(r.round())
          .append(" | ")
          .append(r.position())
          .append(" | ")
          .append(r.c().label)
          .append(" | ");
      if (r.failure() != null) {
        md.append("failed: ").append(r.failure()).append(" | | | | | | ");
      } else {
        md.append(String.format(Locale.ROOT, "%.0f", r.perSecond(o.instances())))
            .append(" | ")
            .append(String.format(Locale.ROOT, "%.2f", r.seconds()))
            .append(" | ")
            .append(String.format(Locale.ROOT, "%.2f", r.submitSeconds()))
            .append(" | ")
            .append(r.completeAtSubmitEnd())
            .append(" | ")
            .append(
                String.format(
                    Locale.ROOT, "%.0f / %.0f", r.duringSubmit(), r.afterSubmit(o.instances())))
            .append(" | ")
            .append(String.format(Locale.ROOT, "%.2f", r.serverCores()))
            .append(" | ");
      }
      md.append(r.loadAverage()).append(" |\n");
    }
    md.append('\n');
  }

  private static void stacks(StringBuilder md, Options o, Map<Case, List<ThroughputRun>> byCase) {
    md.append("### Where the dispatcher and the writer are (thread dumps)\n\n")
        .append("Up to ")
        .append(o.stackSamples())
        .append(" `jcmd <pid> Thread.print` per measured phase, one every 500 ms, all rounds;")
        .append(" each dump costs CPU, so these rounds' rates are perturbed and only the")
        .append(" proportions below are the point. Signature: thread state: top frame < first")
        .append(" Stepflow frame.\n\n");
    for (Case c : Case.values()) {
      Map<String, Map<String, Integer>> all = new TreeMap<>();
      byCase.get(c).forEach(r -> StackSampler.merge(all, r.stacks()));
      md.append("**").append(c.label).append("**\n\n");
      for (String thread : StackSampler.WATCHED) {
        md.append("- `").append(thread).append("`:\n");
        for (String line : StackSampler.top(all, thread, 6)) {
          md.append("  - ").append(line).append('\n');
        }
      }
      md.append('\n');
    }
  }

  /** Per round: rate of {@code c} / rate of {@code base} in the same round. */
  private static Spread ratios(List<ThroughputRun> runs, Case c, Case base, Options o) {
    List<Double> out = new ArrayList<>();
    for (ThroughputRun r : runs) {
      if (r.c() == c && r.failure() == null) {
        find(runs, base, r.round())
            .ifPresent(b -> out.add(r.perSecond(o.instances()) / b.perSecond(o.instances())));
      }
    }
    return Spread.of(out);
  }

  /** Per round: (1/rate(c) − 1/rate(0 steps)) / 3 in microseconds. */
  private static Spread perStep(List<ThroughputRun> runs, Case c, Options o) {
    List<Double> out = new ArrayList<>();
    for (ThroughputRun r : runs) {
      if (r.c() == c && r.failure() == null) {
        find(runs, Case.ZERO, r.round())
            .ifPresent(
                b ->
                    out.add(
                        (1e6 / r.perSecond(o.instances()) - 1e6 / b.perSecond(o.instances())) / 3));
      }
    }
    return Spread.of(out);
  }

  private static Optional<ThroughputRun> find(List<ThroughputRun> runs, Case c, int round) {
    return runs.stream()
        .filter(r -> r.c() == c && r.round() == round && r.failure() == null)
        .findFirst();
  }

  private static String threadShares(List<ThroughputRun> runs) {
    long total = runs.stream().mapToLong(ThroughputRun::serverTicks).sum();
    if (total == 0) {
      return "n/a";
    }
    Map<String, Long> sum = new TreeMap<>();
    runs.forEach(r -> r.threadTicks().forEach((k, v) -> sum.merge(k, v, Long::sum)));
    List<Map.Entry<String, Long>> sorted =
        sum.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(7)
            .toList();
    List<String> top = new ArrayList<>();
    long shown = 0;
    for (Map.Entry<String, Long> e : sorted) {
      top.add(String.format(Locale.ROOT, "`%s` %.0f%%", e.getKey(), 100.0 * e.getValue() / total));
      shown += e.getValue();
    }
    top.add(String.format(Locale.ROOT, "other %.0f%%", 100.0 * (total - shown) / total));
    return String.join(", ", top);
  }

  private static void footprint(StringBuilder md, Options o, List<FootprintRun> runs) {
    List<FootprintRun> ok = runs.stream().filter(r -> r.failure() == null).toList();
    md.append("## Footprint: ")
        .append(String.format(Locale.ROOT, "%,d", o.sleepers()))
        .append(" sleeping instances\n\n");
    md.append("Each round starts a fresh server (durability normal), creates the workflow, reads")
        .append(" the instance list once, waits ")
        .append(o.settle().toSeconds())
        .append(" s and measures the idle baseline; then creates ")
        .append(String.format(Locale.ROOT, "%,d", o.sleepers()))
        .append(" instances of `")
        .append(EngineBench.SLEEP_AN_HOUR)
        .append("` in batches of ")
        .append(o.batch())
        .append(" from ")
        .append(o.clients())
        .append(" client threads, polls until all are `waiting`, waits ")
        .append(o.settle().toSeconds())
        .append(" s and measures again. Heap: `jcmd <pid> GC.run`, then `GC.heap_info` (used and")
        .append(" committed). Java threads: entries of `jcmd <pid> Thread.print` with a thread")
        .append(" number (platform threads; virtual threads are not listed); OS threads and RSS:")
        .append(" /proc/<pid>/status. Server CPU: /proc/<pid>/stat and task/*/stat over the")
        .append(
            " settle wait after its first 5 s, while no client calls the server. Difference and")
        .append(" per instance: median of the rounds' (loaded − idle).\n\n");
    md.append(
        "| Measure | Idle, 0 instances: median (min–max) | "
            + String.format(Locale.ROOT, "%,d", o.sleepers())
            + " waiting: median (min–max) | Difference, median (min–max) | Per instance |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    row(
        md,
        ok,
        o,
        "Heap used (MB)",
        r -> r.idleHeap().usedKb() / 1024.0,
        r -> r.heap().usedKb() / 1024.0,
        1024 * 1024,
        "%.1f",
        "bytes");
    row(
        md,
        ok,
        o,
        "Heap committed (MB)",
        r -> r.idleHeap().committedKb() / 1024.0,
        r -> r.heap().committedKb() / 1024.0,
        1024 * 1024,
        "%.1f",
        "bytes");
    row(
        md,
        ok,
        o,
        "Resident set, RSS (MB)",
        r -> r.idleRssKb() / 1024.0,
        r -> r.rssKb() / 1024.0,
        1024 * 1024,
        "%.1f",
        "bytes");
    row(
        md,
        ok,
        o,
        "Java threads (Thread.print)",
        r -> r.idleThreads().java(),
        r -> r.threads().java(),
        1,
        "%.0f",
        "threads");
    row(
        md,
        ok,
        o,
        "All threads in Thread.print (incl. VM)",
        r -> r.idleThreads().listed(),
        r -> r.threads().listed(),
        1,
        "%.0f",
        "threads");
    row(
        md,
        ok,
        o,
        "OS threads (/proc)",
        r -> (double) r.idleThreads().os(),
        r -> r.threads().os(),
        1,
        "%.0f",
        "threads");
    row(
        md,
        ok,
        o,
        "Server CPU while no client calls it (cores)",
        r -> r.idleCpu().process(),
        r -> r.loadedCpu().process(),
        1e6,
        "%.3f",
        "µs CPU per second");
    row(
        md,
        ok,
        o,
        "… of which the dispatcher thread (cores)",
        r -> r.idleCpu().dispatcher(),
        r -> r.loadedCpu().dispatcher(),
        1e6,
        "%.3f",
        "µs CPU per second");
    md.append('\n');
    md.append("| Creating ")
        .append(String.format(Locale.ROOT, "%,d", o.sleepers()))
        .append(" sleeping instances | median (min–max) |\n|---|---:|\n");
    md.append("| Seconds until every batch was acknowledged (created, `queued`) | ")
        .append(Spread.of(ok.stream().map(FootprintRun::submitSeconds).toList()).show("%.1f"))
        .append(" |\n");
    md.append("| Seconds until all are `waiting` (run to their sleep and suspended) | ")
        .append(Spread.of(ok.stream().map(FootprintRun::waitingSeconds).toList()).show("%.1f"))
        .append(" |\n");
    md.append("| Instances/s overall (until all waiting) | ")
        .append(
            Spread.of(ok.stream().map(r -> o.sleepers() / r.waitingSeconds()).toList())
                .show("%.0f"))
        .append(" |\n");
    md.append("| Instances/s reaching `waiting`, first 10% | ")
        .append(Spread.of(ok.stream().map(FootprintRun::firstTenthRate).toList()).show("%.0f"))
        .append(" |\n");
    md.append("| Instances/s reaching `waiting`, last 10% | ")
        .append(Spread.of(ok.stream().map(FootprintRun::lastTenthRate).toList()).show("%.0f"))
        .append(" |\n");
    for (String file : List.of("stepflow.db", "stepflow.db-wal")) {
      md.append("| Data file `")
          .append(file)
          .append("` (MB) | ")
          .append(
              Spread.of(ok.stream().map(r -> r.dataFiles().getOrDefault(file, 0L) / 1e6).toList())
                  .show("%.1f"))
          .append(" |\n");
    }
    md.append("| All data files (MB); bytes per instance | ")
        .append(Spread.of(ok.stream().map(r -> dataBytes(r) / 1e6).toList()).show("%.1f"))
        .append("; ")
        .append(
            Spread.of(ok.stream().map(r -> dataBytes(r) / (double) o.sleepers()).toList())
                .show("%.0f"))
        .append(" |\n");
    md.append('\n');
    for (FootprintRun r : runs) {
      if (r.failure() != null) {
        md.append("- Round ")
            .append(r.round())
            .append(" failed: ")
            .append(r.failure())
            .append('\n');
      }
    }
    md.append("\n### Rounds\n\n");
    md.append(
        "| Round | Heap used idle → loaded (MB) | Java threads | OS threads | RSS (MB) |"
            + " Seconds to all waiting | Data files |\n");
    md.append("|---:|---|---|---|---|---:|---|\n");
    for (FootprintRun r : ok) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.1f → %.1f | %d → %d | %d → %d | %.0f → %.0f | %.1f | %s |\n",
              r.round(),
              r.idleHeap().usedKb() / 1024.0,
              r.heap().usedKb() / 1024.0,
              r.idleThreads().java(),
              r.threads().java(),
              r.idleThreads().os(),
              r.threads().os(),
              r.idleRssKb() / 1024.0,
              r.rssKb() / 1024.0,
              r.waitingSeconds(),
              r.dataFiles().entrySet().stream()
                  .map(
                      e -> String.format(Locale.ROOT, "%s %.1f MB", e.getKey(), e.getValue() / 1e6))
                  .collect(Collectors.joining(", "))));
    }
    md.append('\n');
  }

  private static long dataBytes(FootprintRun r) {
    return r.dataFiles().values().stream().mapToLong(Long::longValue).sum();
  }

  private static void row(
      StringBuilder md,
      List<FootprintRun> runs,
      Options o,
      String label,
      ToDoubleFunction<FootprintRun> idle,
      ToDoubleFunction<FootprintRun> loaded,
      double unit,
      String format,
      String perUnit) {
    Spread before = Spread.of(runs.stream().map(idle::applyAsDouble).toList());
    Spread after = Spread.of(runs.stream().map(loaded::applyAsDouble).toList());
    Spread diff =
        Spread.of(runs.stream().map(r -> loaded.applyAsDouble(r) - idle.applyAsDouble(r)).toList());
    Spread per =
        Spread.of(
            runs.stream()
                .map(r -> (loaded.applyAsDouble(r) - idle.applyAsDouble(r)) * unit / o.sleepers())
                .toList());
    md.append("| ")
        .append(label)
        .append(" | ")
        .append(before.show(format))
        .append(" | ")
        .append(after.show(format))
        .append(" | ")
        .append(diff.show(format))
        .append(" | ")
        .append(per.show(unit == 1 ? "%.5f" : unit == 1e6 ? "%.3f" : "%.0f"))
        .append(' ')
        .append(perUnit)
        .append(" |\n");
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU model");
    } catch (IOException e) {
      return "unknown CPU model";
    }
  }

  private static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal:"))
          .map(l -> Long.parseLong(l.replaceAll("\\D+", "")))
          .map(kb -> String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0))
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
