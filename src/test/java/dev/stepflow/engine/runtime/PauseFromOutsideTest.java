package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.stepflow.domain.Action;
import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Transitions;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.StoreFixture;
import dev.stepflow.store.StoreUnavailable;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pause settled from the thread of the request that asked for it (no step attempt in flight), on
 * a real SQLite store: the request's thread gets nothing of the run's own failures.
 */
class PauseFromOutsideTest extends StoreFixture {
  private static final Decision.Move START =
      (Decision.Move) Transitions.TABLE.decide(Status.QUEUED, EngineEvent.RUN_STARTED);

  private final PendingRecords pending = new PendingRecords();

  @Override
  protected Database open(Path dir) {
    return SqliteDatabase.open(dir, Durability.PROCESS_CRASH);
  }

  @AfterEach
  void stopWatching() {
    pending.close();
  }

  private RunContext runOf(Instance instance, EngineStore store) {
    Instant now = Instant.now();
    RunLease lease =
        new JdbcEngineStore(db())
            .claim(instance.seq(), 0, START, new Owner("n", now.plusSeconds(60)), now, "t", now)
            .orElseThrow();
    return new RunContext(
        instance, lease, store, Clock.systemUTC(), () -> {}, 1 << 20, EngineMetrics.NONE, pending);
  }

  @Test
  void aPauseBetweenStepsSettlesAtOnce() {
    Instance x = create("x");
    RunContext run = runOf(x, new JdbcEngineStore(db()));
    move(x.ref(), Status.RUNNING, Action.PAUSE, T0);

    run.pauseAfterAttempt();

    assertThat(status(x)).isEqualTo(Status.PAUSED);
    assertThat(run.aborted()).isFalse();
  }

  @Test
  void aStoreThatFailsTheSettlingStopsTheRunButNotTheRequest() {
    Instance x = create("x");
    RunContext run = runOf(x, failingMoves(new JdbcEngineStore(db())));
    move(x.ref(), Status.RUNNING, Action.PAUSE, T0);

    assertThatCode(run::pauseAfterAttempt).doesNotThrowAnyException();

    assertThat(run.aborted()).as("the run stops; the takeover settles the pause").isTrue();
    assertThat(run.pauseRequested()).isTrue();
    assertThat(status(x)).isEqualTo(Status.WAITING_FOR_PAUSE);
  }

  private Status status(Instance instance) {
    return new JdbcEngineStore(db()).runState(instance.seq()).orElseThrow().status();
  }

  /** {@code store}, whose run moves fail as a store that cannot be reached does. */
  private static EngineStore failingMoves(EngineStore store) {
    return (EngineStore)
        Proxy.newProxyInstance(
            EngineStore.class.getClassLoader(),
            new Class<?>[] {EngineStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("moveRun")) {
                throw new StoreUnavailable("write", new java.sql.SQLException("connection lost"));
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
