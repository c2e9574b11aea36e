package dev.stepflow.bench;

import java.util.Map;

/**
 * One measured throughput round of one case, after {@code warmed} instances of warm-up; {@code
 * failure} is null when it succeeded.
 */
record ThroughputRun(
    EngineBench.Case c,
    int round,
    int position,
    int warmed,
    double seconds,
    double submitSeconds,
    long completeAtSubmitEnd,
    double serverCores,
    double clientCores,
    long serverTicks,
    Map<String, Long> threadTicks,
    Map<String, Map<String, Integer>> stacks,
    String loadAverage,
    String failure) {
  double perSecond(int instances) {
    return instances / seconds;
  }

  /** Completions per second while the clients were still submitting. */
  double duringSubmit() {
    return completeAtSubmitEnd / submitSeconds;
  }

  /** Completions per second after the last batch was acknowledged (draining the queue). */
  double afterSubmit(int instances) {
    return (instances - completeAtSubmitEnd) / (seconds - submitSeconds);
  }
}
