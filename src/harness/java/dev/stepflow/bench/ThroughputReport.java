package dev.stepflow.bench;

import dev.stepflow.bench.EngineBench.Case;
import dev.stepflow.bench.EngineBench.Options;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The throughput section of the engine benchmark's report: rates per case and their ratios to the
 * 0-step baseline of the same round, CPU of the server and the load generator, thread dumps when
 * taken, and every round.
 */
final class ThroughputReport {
  private ThroughputReport() {}

  static void render(StringBuilder md, Options o, List<ThroughputRun> runs) {
    Map<Case, List<ThroughputRun>> byCase = byCase(runs);
    rates(md, o, runs, byCase);
    cpu(md, byCase);
    if (o.stackSamples() > 0) {
      stacks(md, o, byCase);
    }
    rounds(md, o, runs);
  }

  /**
   * How a round is timed, then each case's rate, its ratios to the baseline and its cost per step.
   */
  private static void rates(
      StringBuilder md,
      Options o,
      List<ThroughputRun> runs,
      Map<Case, List<ThroughputRun>> byCase) {
    md.append("## Throughput: completed instances per second\n\n");
    md.append(String.format(Locale.ROOT, "%,d", o.instances()))
        .append(" instances per case and round, POSTed to `.../instances/batch` in batches of ")
        .append(o.batch())
        .append(" by ")
        .append(o.clients())
        .append(" client threads; timed from the first submit until `GET .../instances?")
        .append("status=complete&per_page=1` reports all of them complete (polled every 20 ms). ")
        .append("Each round first runs ")
        .append(o.warmUp().describe())
        .append(" of the same case on other workflows of the same server as a")
        .append(" warm-up. Ratio: case / baseline of the same round.\n\n");
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
  }

  /** Server and load-generator CPU, and the server threads that used it. */
  private static void cpu(StringBuilder md, Map<Case, List<ThroughputRun>> byCase) {
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
            + " and commits), `stepflow-dispat` the dispatcher, `http-N` Jetty's acceptor and"
            + " selector threads (`HTTP-Dispatcher` before Jetty: the JDK server's accept/select"
            + " loop); `C2`/`C1 CompilerThre` the JIT, `GC Thread#N` and"
            + " `G1 ...` the collector.\n\n");
  }

  private static void rounds(StringBuilder md, Options o, List<ThroughputRun> runs) {
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

  /** Groups a per-case list by case, in the order of the enum, leaving out failed runs. */
  static Map<Case, List<ThroughputRun>> byCase(List<ThroughputRun> runs) {
    Map<Case, List<ThroughputRun>> out = new LinkedHashMap<>();
    for (Case c : Case.values()) {
      out.put(c, runs.stream().filter(r -> r.c() == c && r.failure() == null).toList());
    }
    return out;
  }
}
