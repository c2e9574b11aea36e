package dev.stepflow.bench;

import dev.stepflow.bench.EngineBench.Options;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The footprint section of the engine benchmark's report: heap, threads, RSS and CPU of a server
 * holding the sleeping instances against the same server idle, per instance, and how fast the
 * instances got to sleep.
 */
final class FootprintReport {
  private FootprintReport() {}

  static void render(StringBuilder md, Options o, List<FootprintRun> runs) {
    List<FootprintRun> ok = runs.stream().filter(r -> r.failure() == null).toList();
    measures(md, o, ok);
    creation(md, o, ok);
    rounds(md, runs, ok);
  }

  /** How a round measures, then idle against loaded for every measure, and per instance. */
  private static void measures(StringBuilder md, Options o, List<FootprintRun> ok) {
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
  }

  /** How long creating the sleepers took, and the data files they left. */
  private static void creation(StringBuilder md, Options o, List<FootprintRun> ok) {
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
  }

  private static void rounds(StringBuilder md, List<FootprintRun> runs, List<FootprintRun> ok) {
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
}
