package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.EngineEvent;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.Transitions;
import dev.stepflow.store.AppliedMove;
import dev.stepflow.store.ClusterSignals;
import dev.stepflow.store.EngineStore;
import dev.stepflow.store.EngineStore.Candidate;
import dev.stepflow.store.EngineStore.Classes;
import dev.stepflow.store.EngineStore.Owner;
import dev.stepflow.store.EngineStore.Started;
import dev.stepflow.store.NodeStore;
import dev.stepflow.store.RunLease;
import dev.stepflow.store.ScheduleStore;
import dev.stepflow.workflow.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs instances. One dispatcher thread claims due work from the store (waiting instances whose
 * time came or whose event arrived, then queued ones first in first out), {@link #CLAIM_BATCH} at a
 * time, while fewer than {@code maxRunning} runs are active, and starts each run on a virtual
 * thread. Waiting instances hold no thread and do not count. Status changes reach the engine as the
 * effects of a move: through {@link EngineHooks} when this node made it, as a {@link
 * ClusterSignals} signal when another node did; they interrupt, pause or compensate the run,
 * wherever it runs.
 *
 * <p>Several nodes may share the store. A claim gives this node a lease on the instance, which
 * {@link Heartbeat} renews while the run goes on; {@link Takeover} takes over the instances whose
 * lease ended (their node died), once at start and then every second; {@link FenceWatch} stops runs
 * whose instance moved on. At start a node alone with its store (SQLite) takes over every run a
 * previous process left, at once.
 */
public final class Engine implements EngineHooks, ClusterSignals.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final Duration MAX_IDLE = Duration.ofSeconds(1);
  private static final Duration TAKEOVER_SCAN = Duration.ofSeconds(1);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);
  private static final Duration HOUSEKEEPING = Duration.ofSeconds(1);

  /**
   * At most this many claims per dispatcher pass; a pass that claimed this many is followed by the
   * next at once. One claim of everything due (up to every free run slot) held the single SQLite
   * writer and the dispatcher for all of it before the first run started: with 10,000 timers due at
   * one instant, about half a second. In batches the first runs go on while the next batch is
   * claimed (bench/results/latency-2026-12-05-claim-batches.md).
   */
  static final int CLAIM_BATCH = 256;

  /** How often the node looks for due work that waits for a workflow class it does not have. */
  private static final Duration WANTED_SCAN = Duration.ofSeconds(10);

  private static final int WANTED_REPORTED = 20;

  /** Every lease counts as ended: what a node alone with its store finds at start. */
  private static final Instant EVERY_LEASE_ENDED = Instant.ofEpochMilli(Long.MAX_VALUE);

  private final EngineStore store;
  private final NodeStore nodes;
  private final ClusterSignals signals;
  private final WorkflowRegistry registry;
  private final Clock clock;
  private final NodeSettings node;
  private final Semaphore permits;
  private final EngineMetrics metrics;
  private final ActiveRuns runs = new ActiveRuns();
  private final MoveReactions reactions = new MoveReactions(runs, this::signal);
  private final Takeover takeover;
  private final Heartbeat heartbeat;
  private final FenceWatch fenceWatch;
  private final DispatcherWakeUp wakeUp = new DispatcherWakeUp();

  private volatile boolean closed;

  /**
   * Whether this process registered as its node: only then are the node's leases its own to give
   * up. A start refused because another process runs as this node must leave that node's leases.
   */
  private volatile boolean joined;

  private volatile Thread dispatcher;

  /** Fires the ticks of cron schedules; null when the engine was given no schedule store. */
  private volatile CronScheduler schedules;

  private Instant nextHousekeeping = Instant.MIN;
  private Instant nextTakeoverScan = Instant.MIN;
  private Instant nextWantedScan = Instant.MIN;
  private final WantedClasses wantedClasses = new WantedClasses();

  /** The housekeeping tasks that failed at their last try (the dispatcher's thread only). */
  private final Set<String> failingHousekeeping = new HashSet<>();

  private final PendingRecords pendingRecords = new PendingRecords();

  public Engine(
      EngineStore store,
      NodeStore nodes,
      ClusterSignals signals,
      WorkflowRegistry registry,
      Clock clock,
      int maxRunning,
      NodeSettings node) {
    this(store, nodes, signals, registry, clock, maxRunning, node, EngineMetrics.NONE);
  }

  /** As above, reporting step attempts and rollbacks to {@code metrics}. */
  public Engine(
      EngineStore store,
      NodeStore nodes,
      ClusterSignals signals,
      WorkflowRegistry registry,
      Clock clock,
      int maxRunning,
      NodeSettings node,
      EngineMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.nodes = nodes;
    this.signals = signals;
    this.registry = registry;
    this.clock = clock;
    this.node = node;
    this.permits = new Semaphore(maxRunning);
    this.takeover = new Takeover(store, node, runs, permits, this::launch, this::runnable);
    this.heartbeat = new Heartbeat(nodes, node, runs, clock);
    this.fenceWatch = new FenceWatch(store, runs);
  }

  /**
   * Whether the dispatcher thread runs: from {@link #start} until {@link #close}. False also when
   * it died, which leaves this node claiming no new work (readiness, {@code /readyz}).
   */
  public boolean dispatching() {
    Thread thread = dispatcher;
    return !closed && thread != null && thread.isAlive();
  }

  /** This node's id among the nodes that share the store. */
  /** How many runs work on instances in this process now. */
  public int runsActive() {
    return runs.size();
  }

  /**
   * How long the instance queued longest has waited to start (zero when none is queued): a queue
   * that does not drain shows here first (every run slot taken, a concurrency limit, no node with
   * the class).
   */
  public Duration oldestQueuedAge() {
    return store
        .oldestQueued()
        .map(queued -> Duration.between(queued, now()))
        .filter(age -> !age.isNegative())
        .orElse(Duration.ZERO);
  }

  /** How many more runs this process may start now (of {@code maxRunning}). */
  public int runSlotsFree() {
    return permits.availablePermits();
  }

  public String nodeId() {
    return node.nodeId();
  }

  /**
   * Cron schedules: the dispatcher fires the due ticks of the schedules {@code store} holds. Called
   * before {@link #start}.
   */
  public void fireSchedulesOf(ScheduleStore store) {
    this.schedules = new CronScheduler(store);
  }

  public void start() {
    new NodeJoin(nodes, node, clock).join();
    joined = true;
    nodes.advertise(node.nodeId(), node.leaseTime(), registry.names());
    heartbeat.start();
    Instant started = now();
    Takeover.Taken taken =
        takeover.everything(owner(), started, node.alone() ? EVERY_LEASE_ENDED : started);
    log.info(
        "Recovery: took over {} runs in progress, settled {} pauses and resumed {} rollbacks;"
            + " {} timers came due while no node ran them and fire now",
        taken.runs(),
        taken.pauses(),
        taken.rollbacks(),
        store.dueTimers(started));
    metrics.leasesTakenOver(taken.runs() + taken.pauses());
    nextTakeoverScan = now().plus(TAKEOVER_SCAN);
    dispatcher = Thread.ofPlatform().name("stepflow-dispatcher").daemon(true).start(this::loop);
    fenceWatch.start();
    pendingRecords.start();
    signals.listen(this);
  }

  private void loop() {
    while (!closed) {
      try {
        if (!dispatchOnce()) {
          awaitSignal();
        }
      } catch (RuntimeException e) {
        log.error("Dispatching failed; retrying shortly", e);
        sleepQuietly(MAX_IDLE);
      }
    }
  }

  /** One pass; true when it claimed a whole batch, so that more work may be due at once. */
  private boolean dispatchOnce() {
    keepHouse();
    Instant now = now();
    if (!now.isBefore(nextTakeoverScan)) {
      nextTakeoverScan = now.plus(TAKEOVER_SCAN);
      Takeover.Taken taken = takeover.everything(owner(), now, now);
      // rollbacks are also this node's own, requested by a terminate: only a lost node is news
      if (taken.runs() + taken.pauses() > 0) {
        metrics.leasesTakenOver(taken.runs() + taken.pauses());
        log.info(
            "Took over {} runs in progress and {} pauses (and {} rollbacks) that no live node held",
            taken.runs(),
            taken.pauses(),
            taken.rollbacks());
      }
    }
    fireTicks(now);
    // with every run slot taken nothing can start, so a wake-up (new work, a move that enqueues)
    // costs no query; the run that frees a slot wakes the dispatcher again
    if (permits.availablePermits() == 0) {
      return false;
    }
    takeover.rollbacks(owner(), now);
    int free = Math.min(permits.availablePermits(), CLAIM_BATCH);
    if (free == 0) {
      return false;
    }
    // only this thread takes permits, so the claims (at most `free`) find them all still there
    Instant claimedAt = now();
    List<Started> started = store.claimDue(claimedAt, free, owner(), runnable(), Engine::startMove);
    ClaimedSteps steps = ClaimedSteps.read(store, started);
    if (!permits.tryAcquire(started.size())) {
      throw new IllegalStateException("run permits were taken outside the dispatcher");
    }
    started.forEach(s -> launch(s.candidate(), s.lease(), Runner.Mode.EXECUTE, steps.of(s)));
    reportTimerLag(started, claimedAt);
    return started.size() == CLAIM_BATCH;
  }

  /** How late the claimed instances whose timer came due were claimed (an event's are not). */
  private void reportTimerLag(List<Started> started, Instant claimedAt) {
    for (Started s : started) {
      Instant due = s.candidate().timerDue();
      if (due != null && !due.isAfter(claimedAt)) {
        metrics.timerFired(Duration.between(due, claimedAt).toNanos());
      }
    }
  }

  /** Cron ticks that are due create their instances, which the claims below may start at once. */
  private void fireTicks(Instant now) {
    CronScheduler cron = schedules;
    if (cron == null) {
      return;
    }
    try {
      cron.fireDue(now);
    } catch (RuntimeException e) {
      // the store failed: the tick is still due, and the next pass fires it
      log.warn("Cron ticks could not be fired now; trying again shortly: {}", e.getMessage());
    }
  }

  /** The move that starts a due instance: queued -> running, or waiting -> running. */
  private static Optional<Decision.Move> startMove(Status status) {
    return move(status, EngineEvent.RUN_STARTED).or(() -> move(status, EngineEvent.WAIT_ENDED));
  }

  private static Optional<Decision.Move> move(Status status, EngineEvent event) {
    return Transitions.TABLE.decide(status, event) instanceof Decision.Move m
        ? Optional.of(m)
        : Optional.empty();
  }

  /** The workflow classes this node runs: only instances of these are claimed here. */
  private Classes runnable() {
    return Classes.of(registry.names());
  }

  /** This node, with the lease a claim made now gives it. */
  private Owner owner() {
    return new Owner(node.nodeId(), now().plus(node.leaseTime()));
  }

  /**
   * Housekeeping, at most once a second (by one node at a time, when several share the store):
   * finished instances whose retention ran out are deleted, and recorded count changes folded;
   * every ten seconds, work waiting for a workflow class this node lacks is reported once per
   * class.
   */
  private void keepHouse() {
    Instant now = now();
    if (now.isBefore(nextHousekeeping)) {
      return;
    }
    nextHousekeeping = now.plus(HOUSEKEEPING);
    housekeep("folding the instance counts", store::foldInstanceCounts);
    if (!now.isBefore(nextWantedScan)) {
      nextWantedScan = now.plus(WANTED_SCAN);
      housekeep(
          "looking for work no workflow class here runs",
          () ->
              wantedClasses.report(
                  store.wantedClasses(now, runnable(), WANTED_REPORTED), registry.names()));
    }
    housekeep(
        "deleting instances past their retention",
        () -> {
          int deleted = store.deleteExpired(now, Retention.SUCCEEDED, Retention.FAILED);
          if (deleted > 0) {
            log.info("Deleted {} finished instances whose retention ran out", deleted);
          }
        });
  }

  /**
   * Runs one housekeeping task, which is tried again at the next housekeeping if it fails. A
   * failure must not cost the pass its claims: a task that failed every time (a fold that a node of
   * an older version cannot do on a schema a newer one migrated, a delete that times out) used to
   * leave the node claiming nothing, since housekeeping comes first in every pass. The first
   * failure of a task is logged with its cause, and so is its recovery; the repeats in between at
   * debug.
   */
  private void housekeep(String task, Runnable work) {
    try {
      work.run();
      if (failingHousekeeping.remove(task)) {
        log.info("Housekeeping works again: {}", task);
      }
    } catch (RuntimeException e) {
      if (failingHousekeeping.add(task)) {
        log.warn(
            "Housekeeping failed: {}; this node goes on running instances and tries it again at its"
                + " next turn",
            task,
            e);
      } else {
        log.debug("Housekeeping failed again: {}: {}", task, e.toString());
      }
    }
  }

  /** Starts a run of {@code c} (a takeover's): the run reads the instance's steps itself. */
  private void launch(Candidate c, RunLease lease, Runner.Mode mode) {
    launch(c, lease, mode, Optional.empty());
  }

  /** Starts a run of {@code c}, with its instance's {@code recorded} steps when read already. */
  private void launch(
      Candidate c, RunLease lease, Runner.Mode mode, Optional<List<StepRecord>> recorded) {
    RunContext run =
        new RunContext(
            c.instance(),
            lease,
            store,
            clock,
            this::signal,
            node.maxInstanceStateBytes(),
            metrics,
            pendingRecords);
    Optional<Workflow> workflow = registry.create(c.className());
    Runner runner = new Runner(run, workflow, c, recorded, mode, () -> finished(run));
    Thread thread =
        Thread.ofVirtual().name("run-" + c.instance().ref().instanceId()).unstarted(runner);
    // code from a workflows-folder jar finds its own classes and resources by name (ServiceLoader,
    // Jackson, JDBC drivers look in the context class loader), in its steps and rollbacks alike
    workflow.ifPresent(w -> thread.setContextClassLoader(w.getClass().getClassLoader()));
    runs.add(run, thread);
    thread.start();
  }

  private void finished(RunContext run) {
    runs.remove(run);
    permits.release();
    signal();
  }

  /** A move made on this node committed: its effects reach the run it concerns, if it is here. */
  @Override
  public void afterMove(AppliedMove applied) {
    reactions.react(applied);
  }

  /**
   * A move made on any node (this one too: every node hears every signal) committed; the same
   * reactions, so a late or repeated signal does no harm.
   */
  @Override
  public void moved(AppliedMove applied) {
    reactions.react(applied);
  }

  @Override
  public void resync() {
    fenceWatch.checkNow();
    signal();
  }

  @Override
  public void deleted(Predicate<InstanceRef> which) {
    runs.stopIf(which);
  }

  /**
   * Whether nothing runs here and no instance has work due now (none queued, held by a run, or
   * waiting with its timer due or its event arrived): what is left waits for time or for a client.
   */
  public boolean idle() {
    CronScheduler cron = schedules;
    return runs.size() == 0 && !store.hasPendingWork(now()) && (cron == null || !cron.due(now()));
  }

  /** When the earliest timer of a waiting instance comes due, if one waits for time. */
  public Optional<Instant> nextTimer() {
    return store.nextWake();
  }

  /** New work here or on another node: the dispatcher looks now rather than at its next poll. */
  @Override
  public void workAvailable() {
    signal();
  }

  private void signal() {
    // with every run slot taken the dispatcher can start nothing; the run that frees a slot
    // releases it before it signals, so that signal finds the slot and wakes the dispatcher
    if (permits.availablePermits() > 0) {
      wakeUp.signal();
    }
  }

  private void awaitSignal() {
    Instant now = now();
    // a timer that is due cannot start anything while every run slot is taken
    Duration idle =
        permits.availablePermits() == 0
            ? MAX_IDLE
            : store
                .nextWake()
                .map(w -> Duration.between(now, w))
                .filter(d -> d.compareTo(MAX_IDLE) < 0)
                .orElse(MAX_IDLE);
    CronScheduler cron = schedules;
    if (cron != null) {
      Duration toTick = cron.nextTick().map(t -> Duration.between(now, t)).orElse(MAX_IDLE);
      idle = toTick.compareTo(idle) < 0 ? toTick : idle;
    }
    wakeUp.await(idle);
    if (Thread.currentThread().isInterrupted()) {
      closed = true; // only close() interrupts the dispatcher; a wait no longer says so itself
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(SHUTDOWN_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
   * none writes to a store that is being closed. Interrupted runs stay running in the store; the
   * node then gives up its leases, so that another node (or the next start) takes them over at
   * once.
   */
  @Override
  public void close() {
    closed = true;
    signals.close();
    fenceWatch.close();
    heartbeat.close();
    signal();
    if (dispatcher != null) {
      dispatcher.interrupt();
      joinQuietly(dispatcher); // no claim may commit after the leases are given up
    }
    runs.interruptAllAndWait(SHUTDOWN_GRACE);
    // with the leases still this node's, so that the steps' results are not fenced
    pendingRecords.close();
    pendingRecords.writeAll();
    if (!joined) {
      return;
    }
    try {
      nodes.leave(node.nodeId());
    } catch (RuntimeException e) {
      log.warn(
          "Could not give up this node's leases; other nodes take its instances over when they"
              + " end, in at most {}",
          node.leaseTime(),
          e);
    }
  }
}
