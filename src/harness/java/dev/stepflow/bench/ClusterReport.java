package dev.stepflow.bench;

import dev.stepflow.bench.ClusterBench.Case;
import dev.stepflow.bench.ClusterBench.Options;
import dev.stepflow.bench.ClusterBench.Run;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Markdown report of {@link ClusterBench}: medians with their range, and every round. */
final class ClusterReport {
  private ClusterReport() {}

  static String render(Options o, ZonedDateTime started, ZonedDateTime ended, List<Run> runs) {
    StringBuilder md = new StringBuilder();
    md.append("# Cluster benchmark: one node against ")
        .append(o.nodes())
        .append(" on one PostgreSQL\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Run %s to %s UTC (%d min), `scripts/bench-cluster %s`, on %d cores; load average at"
                + " the end %s. PostgreSQL: a private cluster of the machine's installation with"
                + " fsync and synchronous_commit on, on the same machine. Each round runs both"
                + " cases (alternating which goes first), each on a fresh database with fresh node"
                + " processes (`%s`); %d instances of 3 no-op steps are submitted in batches of %d"
                + " by %d clients spread over the nodes, after a warm-up of %s; the time runs from"
                + " the first batch to the poll that finds them all complete.%n%n",
            started.toLocalDateTime().withNano(0),
            ended.toLocalTime().withNano(0),
            Duration.between(started, ended).toMinutes(),
            o.commandLine(),
            Runtime.getRuntime().availableProcessors(),
            EngineBench.loadAverage(),
            String.join(" ", o.serverJvm()),
            o.instances(),
            o.batch(),
            o.clients(),
            o.warmUp().describe()));
    md.append("| nodes | completed instances/s, median (min–max) | rounds |\n|---|---|---|\n");
    for (Case c : Case.values()) {
      Spread rate = Spread.of(ok(runs, c).stream().map(r -> r.perSecond(o.instances())).toList());
      md.append(
          String.format(
              Locale.ROOT, "| %d | %s | %d |%n", o.nodesOf(c), rate.show("%.0f"), rate.n()));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nRatio %d nodes / 1 node within each round: %s.%n%n",
            o.nodes(),
            ratios(runs, o).show("%.2f")));
    md.append("| round | position | nodes | seconds | instances/s | load average before |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      md.append(
          r.failure() != null
              ? String.format(
                  Locale.ROOT,
                  "| %d | %d | %d | failed: %s | | %s |%n",
                  r.round(),
                  r.position(),
                  o.nodesOf(r.c()),
                  r.failure(),
                  r.load())
              : String.format(
                  Locale.ROOT,
                  "| %d | %d | %d | %.1f | %.0f | %s |%n",
                  r.round(),
                  r.position(),
                  o.nodesOf(r.c()),
                  r.seconds(),
                  r.perSecond(o.instances()),
                  r.load()));
    }
    return md.toString();
  }

  private static List<Run> ok(List<Run> runs, Case c) {
    return runs.stream().filter(r -> r.c() == c && r.failure() == null).toList();
  }

  private static Spread ratios(List<Run> runs, Options o) {
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++) {
      int r = round;
      var one = ok(runs, Case.ONE).stream().filter(x -> x.round() == r).findFirst();
      var many = ok(runs, Case.MANY).stream().filter(x -> x.round() == r).findFirst();
      if (one.isPresent() && many.isPresent()) {
        ratios.add(many.get().perSecond(o.instances()) / one.get().perSecond(o.instances()));
      }
    }
    return Spread.of(ratios);
  }
}
