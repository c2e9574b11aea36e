package dev.stepflow.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Diagnostic only (it perturbs what it watches: every sample is a {@code jcmd Thread.print}): takes
 * up to {@code max} thread dumps of the server, one per {@code intervalMillis}, and tallies where
 * the engine's own threads are, as "state: top frame < first Stepflow frame".
 */
final class StackSampler implements AutoCloseable {
  static final List<String> WATCHED = List.of("stepflow-dispatcher", "stepflow-writer");

  private final Map<String, Map<String, Integer>> tally = new TreeMap<>();
  private final AtomicInteger samples = new AtomicInteger();
  private final Thread thread;
  private volatile boolean stop;

  private StackSampler(BenchServer server, int max, long intervalMillis) {
    this.thread =
        Thread.ofPlatform()
            .name("bench-stack-sampler")
            .daemon(true)
            .start(
                () -> {
                  while (!stop && samples.get() < max) {
                    try {
                      add(server.jcmd("Thread.print"));
                      samples.incrementAndGet();
                      Thread.sleep(intervalMillis);
                    } catch (InterruptedException e) {
                      return;
                    } catch (Exception e) {
                      return; // the server ended; what was sampled stays
                    }
                  }
                });
  }

  static StackSampler start(BenchServer server, int max, long intervalMillis) {
    return new StackSampler(server, max, intervalMillis);
  }

  private synchronized void add(String dump) {
    for (String block : dump.split("\n\\s*\n")) {
      String[] lines = block.strip().split("\n");
      if (lines.length == 0 || !lines[0].startsWith("\"")) {
        continue;
      }
      String name = lines[0].substring(1, lines[0].indexOf('"', 1));
      if (!WATCHED.contains(name)) {
        continue;
      }
      String state = "";
      String top = null;
      String own = null;
      for (String line : lines) {
        String l = line.strip();
        if (l.startsWith("java.lang.Thread.State:")) {
          state = l.substring("java.lang.Thread.State:".length()).strip().split(" ")[0];
        } else if (l.startsWith("at ")) {
          String frame = l.substring(3).replaceAll("\\(.*\\)$", "");
          if (top == null) {
            top = frame;
          }
          if (own == null && frame.startsWith("dev.stepflow.")) {
            own = frame.substring("dev.stepflow.".length());
          }
        }
      }
      String signature =
          state
              + ": "
              + (top == null ? "?" : top)
              + (own == null || own.equals(top) ? "" : " < " + own);
      tally.computeIfAbsent(name, k -> new TreeMap<>()).merge(signature, 1, Integer::sum);
    }
  }

  int samples() {
    return samples.get();
  }

  synchronized Map<String, Map<String, Integer>> tally() {
    Map<String, Map<String, Integer>> copy = new TreeMap<>();
    tally.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
    return copy;
  }

  /** Merges {@code more} into {@code into}. */
  static void merge(
      Map<String, Map<String, Integer>> into, Map<String, Map<String, Integer>> more) {
    more.forEach(
        (thread, sigs) ->
            sigs.forEach(
                (sig, n) ->
                    into.computeIfAbsent(thread, k -> new TreeMap<>())
                        .merge(sig, n, Integer::sum)));
  }

  /** The {@code limit} most frequent signatures of {@code thread}, with their share. */
  static List<String> top(Map<String, Map<String, Integer>> tally, String thread, int limit) {
    Map<String, Integer> sigs = tally.getOrDefault(thread, Map.of());
    int total = sigs.values().stream().mapToInt(Integer::intValue).sum();
    List<String> out = new ArrayList<>();
    sigs.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(limit)
        .forEach(
            e ->
                out.add(
                    String.format(
                        java.util.Locale.ROOT, "%d/%d `%s`", e.getValue(), total, e.getKey())));
    return out;
  }

  @Override
  public void close() {
    stop = true;
    thread.interrupt();
    try {
      thread.join(130_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
