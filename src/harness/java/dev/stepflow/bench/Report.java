package dev.stepflow.bench;

import dev.stepflow.bench.EngineBench.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Renders the engine benchmark's Markdown report: the run's setting (date, machine, JDK, server
 * command, options), then the section of each phase that ran ({@link ThroughputReport}, {@link
 * FootprintReport}).
 */
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
      ThroughputReport.render(md, o, throughput);
    }
    if (o.phases().contains("footprint")) {
      FootprintReport.render(md, o, footprint);
    }
    return md.toString();
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
