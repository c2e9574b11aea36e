package dev.stepflow.bench;

import java.util.Map;

/** One footprint round; {@code failure} is null when it succeeded. */
record FootprintRun(
    int round,
    BenchServer.Heap idleHeap,
    BenchServer.Threads idleThreads,
    long idleRssKb,
    BenchServer.Heap heap,
    BenchServer.Threads threads,
    long rssKb,
    double submitSeconds,
    double waitingSeconds,
    double firstTenthRate,
    double lastTenthRate,
    Map<String, Long> dataFiles,
    IdleCpu idleCpu,
    IdleCpu loadedCpu,
    String failure) {

  /** CPU of the server while no client calls it, in cores: all of it, and the dispatcher thread. */
  record IdleCpu(double process, double dispatcher) {}
}
