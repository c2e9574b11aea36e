package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.Transitions;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.EngineStore.Started;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.StoreFixture;
import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The steps of a claim's batch are read in one go for the instances that may have some, and a
 * failed read leaves each run to read its own rather than start it without its steps: on a real
 * SQLite store.
 */
class ClaimedStepsTest extends StoreFixture {
  private static final Decision.Move START =
      (Decision.Move) Transitions.TABLE.decide(Status.QUEUED, EngineEvent.RUN_STARTED);

  @Override
  protected Database open(Path dir) {
    return SqliteDatabase.open(dir, Durability.PROCESS_CRASH);
  }

  @Test
  void theBatchGetsEachInstancesStepsAndNoneWhereItHadNone() {
    Started withSteps = claimedWithTwoSteps("with");
    Started fresh = claimed(create("fresh"), false);
    Started stepsLost = claimed(create("lost"), true); // may have had some: it has none now

    ClaimedSteps steps = ClaimedSteps.read(engine(), List.of(withSteps, fresh, stepsLost));

    assertThat(steps.of(withSteps).orElseThrow())
        .extracting(StepRecord::outputJson)
        .containsExactly("{\"step\":0}", "{\"step\":1}");
    assertThat(steps.of(fresh)).contains(List.of());
    assertThat(steps.of(stepsLost)).contains(List.of());
  }

  @Test
  void aFailedReadLeavesTheRunsThatMayHaveStepsToReadTheirOwn() {
    Started withSteps = claimedWithTwoSteps("with");
    Started fresh = claimed(create("fresh"), false);

    ClaimedSteps steps = ClaimedSteps.read(failingBatchReads(engine()), List.of(withSteps, fresh));

    assertThat(steps.of(withSteps)).as("read by its run").isEmpty();
    assertThat(steps.of(fresh)).as("it has none either way").contains(List.of());
  }

  private JdbcEngineStore engine() {
    return new JdbcEngineStore(db());
  }

  private Started claimedWithTwoSteps(String id) {
    Started started = claimed(create(id), true);
    for (int seq = 0; seq < 2; seq++) {
      StepRecord done =
          StepRecord.running(seq, StepKind.DO, "s" + seq, 1, T0, "{}", false)
              .completed(T0, "{\"step\":" + seq + "}", "[]");
      assertThat(engine().insertStep(started.lease(), List.of(), done)).isTrue();
    }
    return started;
  }

  private Started claimed(Instance instance, boolean mayHaveSteps) {
    RunLease lease =
        engine()
            .claim(instance.seq(), 0, START, new Owner("n", T0.plusSeconds(60)), T0, "t", T0)
            .orElseThrow();
    Candidate candidate =
        new Candidate(instance, 0, null, "Scripted", 100, null, 0, null, mayHaveSteps);
    return new Started(candidate, lease);
  }

  /** {@code store}, whose read of many instances' steps fails as an unreachable database does. */
  private static EngineStore failingBatchReads(EngineStore store) {
    return InterceptedStore.before(
        store,
        (name, args) -> name.equals("steps") && args[0] instanceof List,
        () -> {
          throw new StoreUnavailable("read steps", new SQLException("connection refused"));
        });
  }
}
