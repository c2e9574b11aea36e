package dev.stepflow.engine.runtime;

import dev.stepflow.domain.StepRecord;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.Started;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorded steps of the instances one claim started, read for the whole batch in one query once
 * the claim committed, before their runs start. Each run read its own before: on SQLite every read
 * after a commit refills its connection's page cache, and while 10,000 timers woke at once that was
 * a quarter of the CPU. Read after the claim, as each run would: the claim's new run ids fence
 * every older run, so the steps cannot change until these runs write them.
 */
final class ClaimedSteps {
  private static final Logger log = LoggerFactory.getLogger(ClaimedSteps.class);

  /** By instance seq; null when the read failed and each run reads its own. */
  private final Map<Long, List<StepRecord>> bySeq;

  private ClaimedSteps(Map<Long, List<StepRecord>> bySeq) {
    this.bySeq = bySeq;
  }

  /** The steps of the {@code started} instances that may have some, read now. */
  static ClaimedSteps read(EngineStore store, List<Started> started) {
    List<Long> seqs =
        started.stream()
            .filter(s -> s.candidate().mayHaveSteps())
            .map(s -> s.lease().instanceSeq())
            .toList();
    if (seqs.isEmpty()) {
      return new ClaimedSteps(Map.of());
    }
    try {
      return new ClaimedSteps(store.steps(seqs));
    } catch (RuntimeException e) {
      // the runs are claimed already: each reads its own steps, as a run taken over does
      log.warn(
          "Reading the steps of {} claimed instances failed; each run reads its own",
          seqs.size(),
          e);
      return new ClaimedSteps(null);
    }
  }

  /** The steps of {@code started}'s instance; empty when its run must read them itself. */
  Optional<List<StepRecord>> of(Started started) {
    if (!started.candidate().mayHaveSteps()) {
      return Optional.of(List.of());
    }
    if (bySeq == null) {
      return Optional.empty();
    }
    return Optional.of(bySeq.getOrDefault(started.lease().instanceSeq(), List.of()));
  }
}
