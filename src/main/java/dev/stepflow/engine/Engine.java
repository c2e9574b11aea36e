package dev.stepflow.engine;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Effect;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.RunUpdate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs instances. One dispatcher thread claims due work from the store (waiting instances whose
 * time came or whose event arrived, then queued ones first in first out) while fewer than {@code
 * maxRunning} runs are active, and starts each run on a virtual thread. Waiting instances hold no
 * thread and do not count. Status changes from clients reach the engine through {@link
 * EngineHooks}: their effects interrupt, pause or compensate the active run.
 *
 * <p>On start it recovers what a previous process left: runs in progress are replayed (a step whose
 * checkpoint committed is not run again), a requested pause becomes paused, an interrupted rollback
 * is resumed, and timers that expired meanwhile fire.
 */
public final class Engine implements EngineHooks, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final Duration MAX_IDLE = Duration.ofSeconds(1);
  private static final int RECOVERY_BATCH = 10_000;
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);
  private static final Duration RETENTION_SWEEP = Duration.ofSeconds(1);

  private record Active(RunContext run, Thread thread) {}

  private final EngineStore store;
  private final WorkflowRegistry registry;
  private final Clock clock;
  private final Semaphore permits;
  private final Map<InstanceRef, Active> active = new ConcurrentHashMap<>();
  private final ArrayDeque<Candidate> orphans = new ArrayDeque<>();
  private final Object signal = new Object();
  private boolean signalled;
  private volatile boolean closed;
  private Thread dispatcher;
  private Instant nextRetentionSweep = Instant.MIN;

  public Engine(EngineStore store, WorkflowRegistry registry, Clock clock, int maxRunning) {
    this.store = store;
    this.registry = registry;
    this.clock = clock;
    this.permits = new Semaphore(maxRunning);
  }

  public WorkflowRegistry registry() {
    return registry;
  }

  public void start() {
    recover();
    dispatcher = Thread.ofPlatform().name("stepflow-dispatcher").daemon(true).start(this::loop);
  }

  private void recover() {
    for (Candidate c : store.instancesIn(Status.WAITING_FOR_PAUSE, RECOVERY_BATCH)) {
      move(c, EngineEvent.STEPS_SETTLED)
          .ifPresent(m -> store.claim(c.instance().seq(), c.runId(), m, "engine", now()));
    }
    orphans.addAll(store.instancesIn(Status.RUNNING, RECOVERY_BATCH));
    if (!orphans.isEmpty()) {
      log.info("Resuming {} runs a previous process left in progress", orphans.size());
    }
  }

  private void loop() {
    while (!closed) {
      try {
        dispatchOnce();
        awaitSignal();
      } catch (RuntimeException e) {
        log.error("Dispatching failed; retrying shortly", e);
        sleepQuietly(MAX_IDLE);
      }
    }
  }

  private void dispatchOnce() {
    deleteExpiredInstances();
    resumeOrphans();
    resumeRollbacks();
    int free = permits.availablePermits();
    if (free == 0) {
      return;
    }
    List<EngineStore.Claim> claims = new ArrayList<>();
    Map<WorkflowRef, Integer> startedPerWorkflow = new HashMap<>();
    for (Candidate c : store.dueInstances(now(), free)) {
      WorkflowRef workflow = c.instance().ref().workflow();
      if (startedPerWorkflow.getOrDefault(workflow, 0) >= c.room()) {
        continue; // the workflow's concurrency limit is reached within this batch
      }
      Optional<Decision.Move> start =
          move(c, EngineEvent.RUN_STARTED).or(() -> move(c, EngineEvent.WAIT_ENDED));
      if (start.isPresent() && permits.tryAcquire()) {
        claims.add(new EngineStore.Claim(c, start.get()));
        startedPerWorkflow.merge(workflow, 1, Integer::sum);
      }
    }
    if (claims.isEmpty()) {
      return;
    }
    // one write transaction for the whole batch: the dispatcher waits for one commit, not one each
    List<Optional<RunLease>> leases = store.claimAll(claims, "engine", now());
    for (int i = 0; i < claims.size(); i++) {
      Candidate c = claims.get(i).candidate();
      leases.get(i).ifPresentOrElse(l -> launch(c, l, Runner.Mode.EXECUTE), permits::release);
    }
  }

  /** Retention: at most once a second, finished instances whose time ran out are deleted. */
  private void deleteExpiredInstances() {
    Instant now = now();
    if (now.isBefore(nextRetentionSweep)) {
      return;
    }
    nextRetentionSweep = now.plus(RETENTION_SWEEP);
    int deleted = store.deleteExpired(now, Retention.SUCCEEDED, Retention.FAILED);
    if (deleted > 0) {
      log.info("Deleted {} finished instances whose retention ran out", deleted);
    }
  }

  private void resumeOrphans() {
    while (!orphans.isEmpty() && permits.tryAcquire()) {
      Candidate c = orphans.poll();
      store
          .takeOver(c.instance().seq(), c.runId(), Status.RUNNING)
          .ifPresentOrElse(l -> launch(c, l, Runner.Mode.EXECUTE), permits::release);
    }
  }

  /**
   * Rollbacks without an active run: just requested by terminate+rollback, or interrupted by a
   * crash.
   */
  private void resumeRollbacks() {
    for (Candidate c : store.instancesIn(Status.ROLLING_BACK, RECOVERY_BATCH)) {
      if (!active.containsKey(c.instance().ref()) && permits.tryAcquire()) {
        store
            .takeOver(c.instance().seq(), c.runId(), Status.ROLLING_BACK)
            .ifPresentOrElse(l -> launch(c, l, Runner.Mode.COMPENSATE), permits::release);
      }
    }
  }

  private static Optional<Decision.Move> move(Candidate c, EngineEvent event) {
    return Transitions.TABLE.decide(c.instance().status(), event) instanceof Decision.Move m
        ? Optional.of(m)
        : Optional.empty();
  }

  private void launch(Candidate c, RunLease lease, Runner.Mode mode) {
    InstanceRef ref = c.instance().ref();
    RunContext run = new RunContext(c.instance(), lease, store, clock, this::signal);
    Runner runner =
        new Runner(
            run,
            registry.create(c.className()),
            c.className(),
            mode,
            c.rollbackCause(),
            () -> finished(ref, run));
    Thread thread = Thread.ofVirtual().name("run-" + ref.instanceId()).unstarted(runner);
    active.put(ref, new Active(run, thread));
    thread.start();
  }

  private void finished(InstanceRef ref, RunContext run) {
    active.computeIfPresent(ref, (k, a) -> a.run() == run ? null : a);
    permits.release();
    signal();
  }

  @Override
  public void afterMove(InstanceRef ref, Decision.Move move) {
    Active a = active.get(ref);
    if (a != null) {
      if (move.effects().contains(Effect.INTERRUPT_RUN)) {
        a.run().abort();
        a.thread().interrupt();
      }
      if (move.effects().contains(Effect.STOP_AFTER_CURRENT_STEP)) {
        requestPause(a.run());
      }
      if (move.effects().contains(Effect.CANCEL_PAUSE)) {
        a.run().cancelPause();
      }
    }
    signal();
  }

  /** With no step attempt in flight the pause takes effect at once; otherwise after the attempt. */
  private static void requestPause(RunContext run) {
    run.requestPause();
    if (!run.attemptInFlight()) {
      run.move(Status.WAITING_FOR_PAUSE, EngineEvent.STEPS_SETTLED, RunUpdate.none());
    }
  }

  @Override
  public void deleted(Predicate<InstanceRef> which) {
    active.forEach(
        (ref, a) -> {
          if (which.test(ref)) {
            a.run().abort();
            a.thread().interrupt();
          }
        });
  }

  @Override
  public void workAvailable() {
    signal();
  }

  private void signal() {
    synchronized (signal) {
      signalled = true;
      signal.notifyAll();
    }
  }

  private void awaitSignal() {
    Instant now = now();
    Duration idle =
        store
            .nextWake()
            .map(w -> Duration.between(now, w))
            .filter(d -> d.compareTo(MAX_IDLE) < 0)
            .orElse(MAX_IDLE);
    synchronized (signal) {
      if (!signalled && !idle.isNegative() && !idle.isZero()) {
        try {
          signal.wait(Math.max(1, idle.toMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closed = true;
        }
      }
      signalled = false;
    }
  }

  /** How many runs are active now (for tests and metrics). */
  public int activeRuns() {
    return active.size();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops dispatching and interrupts the active runs, then waits a little for them to unwind so
   * none writes to a store that is being closed. Interrupted runs stay running in the store and are
   * replayed on the next start.
   */
  @Override
  public void close() {
    closed = true;
    signal();
    if (dispatcher != null) {
      dispatcher.interrupt();
    }
    List<Active> running = List.copyOf(active.values());
    running.forEach(a -> a.thread().interrupt());
    for (Active a : running) {
      try {
        a.thread().join(SHUTDOWN_GRACE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
