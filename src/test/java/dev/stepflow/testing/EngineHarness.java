package dev.stepflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.FailurePolicy;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Limits;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepKind;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.engine.runtime.Engine;
import dev.stepflow.engine.runtime.NodeSettings;
import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.engine.service.CreationRateLimiter;
import dev.stepflow.engine.service.InstanceControl;
import dev.stepflow.engine.service.InstanceService;
import dev.stepflow.engine.service.StatusOutcome;
import dev.stepflow.engine.service.WorkflowService;
import dev.stepflow.store.jdbc.JdbcEngineStore;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.jdbc.JdbcNodeStore;
import dev.stepflow.store.jdbc.JdbcWorkflowStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.workflow.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real engine in this process, for scenario tests: SQLite stores in a temporary folder, the
 * {@link Engine} with its dispatcher, and the request-side services ({@link InstanceControl},
 * {@link InstanceService}, {@link WorkflowService}) wired as the server wires them, minus HTTP.
 * Time is a {@link TestClock}: {@link #advance} moves it and wakes the dispatcher, so a 14-day
 * sleep ends at once. Workflows are plain {@link Workflow} lambdas or classes registered by {@link
 * #define}.
 *
 * <p>Register it on an instance field with {@code @RegisterExtension}: each test gets a fresh store
 * and engine, closed after the test. On close the status history of every instance the test created
 * is checked against the transition table and reported to {@link RowCoverage#SUITE}, which the
 * coverage gate reads; no-ops are reported as they happen by {@link RecordingInstanceStore}.
 *
 * <p>Only the public entry points of the engine and the services are used, so the harness keeps
 * working while their internals change.
 */
public final class EngineHarness implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
  /** The longest any await of the harness waits in real time. */
  public static final Duration AWAIT_LIMIT = Duration.ofSeconds(10);

  /** How long {@link #assertStays} watches an instance not move. */
  private static final Duration STAY_WATCH = Duration.ofMillis(300);

  public static final String ACCOUNT = "scenarios";
  private static final String ACTOR = "scenario";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int maxRunning;
  private final long maxInstanceStateBytes;
  private final RowCoverage coverage;
  private final TestClock clock = new TestClock();
  private final WorkflowRegistry registry = new WorkflowRegistry();
  private final Set<InstanceRef> touched = new LinkedHashSet<>();
  private Path dataDir;
  private SqliteDatabase database;
  private RecordingInstanceStore instanceStore;
  private Engine engine;
  private InstanceControl control;
  private InstanceService instances;
  private WorkflowService workflows;
  private int processes;

  private EngineHarness(int maxRunning, long maxInstanceStateBytes, RowCoverage coverage) {
    this.maxRunning = maxRunning;
    this.maxInstanceStateBytes = maxInstanceStateBytes;
    this.coverage = coverage;
  }

  /** A harness whose engine runs up to 8 instances at once. */
  public static EngineHarness create() {
    return withMaxRunning(8);
  }

  /** A harness whose engine runs up to {@code maxRunning} instances at once (0: none starts). */
  public static EngineHarness withMaxRunning(int maxRunning) {
    return new EngineHarness(
        maxRunning, Limits.DEFAULT_MAX_INSTANCE_STATE_BYTES, RowCoverage.SUITE);
  }

  /** A harness whose engine lets an instance persist at most {@code bytes} of state. */
  public static EngineHarness withMaxInstanceStateBytes(long bytes) {
    return new EngineHarness(8, bytes, RowCoverage.SUITE);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    coverage.reportedBy(context.getRequiredTestClass().getSimpleName());
    open();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** Creates the store in a new temporary folder and starts the engine on it. */
  public void open() {
    try {
      dataDir = Files.createTempDirectory("stepflow-scenario");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    startProcess();
  }

  /** What a server process does at start: open the store, build the services, start the engine. */
  private void startProcess() {
    processes++;
    database = SqliteDatabase.open(dataDir, Durability.PROCESS_CRASH);
    instanceStore = new RecordingInstanceStore(new JdbcInstanceStore(database), coverage);
    JdbcWorkflowStore workflowStore = new JdbcWorkflowStore(database);
    JdbcNodeStore nodeStore = new JdbcNodeStore(database);
    engine =
        new Engine(
            new JdbcEngineStore(database),
            nodeStore,
            database.signals(),
            registry,
            clock,
            maxRunning,
            new NodeSettings(
                "scenario-" + processes,
                Duration.ofSeconds(NodeSettings.DEFAULT_LEASE_SECONDS),
                true,
                maxInstanceStateBytes));
    workflows = new WorkflowService(workflowStore, clock, registry, engine);
    control = new InstanceControl(instanceStore, Transitions.TABLE, clock, engine);
    instances =
        new InstanceService(
            instanceStore,
            workflowStore,
            nodeStore,
            clock,
            engine,
            CreationRateLimiter.unlimited());
    engine.start();
  }

  /**
   * Stops the process as a crash would leave the store (runs interrupted where they were, a step
   * attempt in flight unrecorded), then starts a fresh one on the same SQLite file with a new
   * engine. The new engine takes over what the old one left, as a restarted server does.
   */
  public void restartProcess() {
    restartProcessAfter(Duration.ZERO);
  }

  /**
   * Stops the process, moves the clock on by {@code downtime} while none runs (so that timers come
   * due with no engine to fire them), and starts a new one.
   */
  public void restartProcessAfter(Duration downtime) {
    engine.close();
    database.close();
    clock.advance(downtime);
    startProcess();
  }

  public TestClock clock() {
    return clock;
  }

  /**
   * Registers {@code code} under the class name {@code name} and binds the workflow {@code name} to
   * it (PUT workflow).
   */
  public WorkflowRef define(String name, Workflow code) {
    registry.register(name, () -> code);
    WorkflowRef ref = new WorkflowRef(ACCOUNT, name);
    workflows.put(
        ref,
        new WorkflowDefinition(
            name, "scenarios", WorkflowDefinition.DEFAULT_STEP_LIMIT, Retention.FOREVER));
    return ref;
  }

  /** Creates an instance without params. */
  public InstanceRef start(WorkflowRef workflow, String instanceId) {
    return start(workflow, instanceId, null);
  }

  /** Creates an instance with {@code paramsJson} (JSON text, or null). */
  public InstanceRef start(WorkflowRef workflow, String instanceId, String paramsJson) {
    return start(workflow, instanceId, paramsJson, null);
  }

  /**
   * Creates an instance with {@code paramsJson} and its own on_failure ({@code onFailure} null: its
   * version's).
   */
  public InstanceRef start(
      WorkflowRef workflow, String instanceId, String paramsJson, FailurePolicy onFailure) {
    InstanceRef ref = workflow.instance(instanceId);
    synchronized (touched) {
      touched.add(ref);
    }
    instances.create(
        workflow,
        List.of(
            new InstanceService.CreateRequest(
                instanceId, paramsJson, Retention.FOREVER, onFailure)),
        dev.stepflow.domain.ChangeOrigin.of(ACTOR));
    return ref;
  }

  /** Applies a client action through {@link InstanceControl}, as PATCH .../status does. */
  public StatusOutcome apply(InstanceRef ref, Action action) {
    return control.apply(ref, action, Optional.empty(), ACTOR);
  }

  /** Restarts from the {@code count}-th step of that type and name. */
  public StatusOutcome restartFrom(InstanceRef ref, StepKind type, String name, int count) {
    return control.apply(ref, Action.RESTART, Optional.of(new StepRef(type, name, count)), ACTOR);
  }

  /** Buffers an event for the instance, as POST .../events/{type} does. */
  public void sendEvent(InstanceRef ref, String type, String payloadJson) {
    instances.sendEvent(ref, type, payloadJson);
  }

  /** Moves the clock on and wakes the dispatcher, so timers that came due fire now. */
  public Instant advance(Duration amount) {
    Instant now = clock.advance(amount);
    engine.workAvailable();
    return now;
  }

  public Instance instance(InstanceRef ref) {
    return instances.get(ref);
  }

  public Status status(InstanceRef ref) {
    return instance(ref).status();
  }

  /** The instance's output as JSON (null node when it has none). */
  public JsonNode output(InstanceRef ref) {
    String json = instance(ref).outputJson();
    try {
      return json == null ? JSON.nullNode() : JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("output of " + ref + " is not JSON: " + json, e);
    }
  }

  /** Waits (in real time, at most {@link #AWAIT_LIMIT}) until the instance is in {@code status}. */
  public void awaitStatus(InstanceRef ref, Status expected) {
    await()
        .atMost(AWAIT_LIMIT)
        .pollInterval(Duration.ofMillis(5))
        .untilAsserted(
            () ->
                assertThat(status(ref))
                    .as(() -> ref.instanceId() + " (path so far " + path(ref) + ")")
                    .isEqualTo(expected));
  }

  /**
   * Asserts the instance is in {@code expected} now and stays there for a short real time, with the
   * dispatcher woken: for "this timer has not fired yet" and "this instance is held".
   */
  public void assertStays(InstanceRef ref, Status expected) {
    engine.workAvailable();
    await()
        .during(STAY_WATCH)
        .atMost(STAY_WATCH.plus(AWAIT_LIMIT))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () ->
                assertThat(status(ref))
                    .as(() -> ref.instanceId() + " (path so far " + path(ref) + ")")
                    .isEqualTo(expected));
  }

  /** The status history, oldest first; the first row is the creation. */
  public List<StatusChange> history(InstanceRef ref) {
    return instanceStore.history(ref);
  }

  /** Every status the instance was in, in order, starting with queued. */
  public List<Status> path(InstanceRef ref) {
    return history(ref).stream().map(StatusChange::to).toList();
  }

  /** The trigger of every move after the creation, in order: "pause", "RUN_STARTED", ... */
  public List<String> triggers(InstanceRef ref) {
    return history(ref).stream().skip(1).map(StatusChange::trigger).toList();
  }

  /** The steps of the instance's current run, in start order. */
  public List<StepView> steps(InstanceRef ref) {
    return instanceStore.steps(ref).stream().map(StepView::of).toList();
  }

  /** The steps as "type name-count status" lines, e.g. "do charge-1 complete". */
  public List<String> stepSummary(InstanceRef ref) {
    return steps(ref).stream().map(StepView::summary).toList();
  }

  /** The one step of that type and display name ("charge-1"). */
  public StepView step(InstanceRef ref, String type, String displayName) {
    return steps(ref).stream()
        .filter(s -> s.type().equals(type) && s.displayName().equals(displayName))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no " + type + " step " + displayName + " in " + stepSummary(ref)));
  }

  /**
   * Stops the engine, reports the status history of every instance created here to the row
   * coverage, checks each history against the table, and deletes the store.
   */
  @Override
  public void close() {
    List<AssertionError> offTable = new ArrayList<>();
    try {
      if (engine != null) {
        engine.close();
      }
      if (database != null) {
        try {
          offTable.addAll(reportHistories());
        } finally {
          database.close();
        }
      }
    } finally {
      engine = null;
      database = null;
      deleteQuietly(dataDir);
    }
    if (!offTable.isEmpty()) {
      AssertionError first = offTable.getFirst();
      offTable.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }

  private List<AssertionError> reportHistories() {
    List<InstanceRef> refs;
    synchronized (touched) {
      refs = List.copyOf(touched);
    }
    List<AssertionError> offTable = new ArrayList<>();
    for (InstanceRef ref : refs) {
      List<StatusChange> history = instanceStore.history(ref);
      if (history.isEmpty()) {
        continue; // the instance is gone: nothing to report
      }
      coverage.visitedHistory(history);
      try {
        StatusHistories.assertPathThroughTable(ref.instanceId(), history);
      } catch (AssertionError e) {
        offTable.add(e);
      }
    }
    return offTable;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary folder is no failure of the scenario
    }
  }
}
