package dev.stepflow.testkit;

import dev.stepflow.app.Config;
import dev.stepflow.app.StepflowServer;
import dev.stepflow.client.CreateInstance;
import dev.stepflow.client.StepflowClient;
import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.workflow.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs your workflows in the test's JVM on a real Stepflow server: a temporary SQLite store, a free
 * port on 127.0.0.1, an API token, and a clock the test moves on.
 *
 * <pre>{@code
 * try (WorkflowTestKit kit = WorkflowTestKit.builder().register(BookingSaga.class).start()) {
 *   TestRun run = kit.run("BookingSaga", Map.of("traveller", "ada"));
 *   run.awaitStatus(InstanceStatus.WAITING).sendEvent("confirmed", Map.of("by", "ada"));
 *   kit.advance(Duration.ofDays(14));
 *   run.awaitStatus(InstanceStatus.COMPLETE);
 * }
 * }</pre>
 *
 * <p>Every call goes over HTTP through {@link StepflowClient}, so a test runs the same code paths
 * as production: the transition table, the engine's checkpoints, replays and rollbacks. Each
 * workflow class is bound to a workflow of the same name ({@code PUT .../workflows/BookingSaga}) on
 * its first run. {@link #close()} stops the server and deletes the store.
 */
public final class WorkflowTestKit implements AutoCloseable {
  /** The account the kit's workflows live in. */
  public static final String ACCOUNT = "testkit";

  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

  private final StepflowServer server;
  private final StepflowClient client;
  private final MovableClock clock;
  private final Path dataDir;
  private final WorkflowRegistry classes;
  private final Set<String> boundWorkflows = ConcurrentHashMap.newKeySet();

  private WorkflowTestKit(
      StepflowServer server,
      StepflowClient client,
      MovableClock clock,
      Path dataDir,
      WorkflowRegistry classes) {
    this.server = server;
    this.client = client;
    this.clock = clock;
    this.dataDir = dataDir;
    this.classes = classes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A client of the kit's account, with its token: for anything the kit has no method for. */
  public StepflowClient client() {
    return client;
  }

  /** The server's API base URL, e.g. for a test of your own HTTP calls. */
  public String baseUrl() {
    return server.baseUrl();
  }

  /** The time the server's engine sees. */
  public Instant now() {
    return clock.instant();
  }

  /** Starts an instance of {@code className} with a generated id. */
  public TestRun run(String className, Object params) {
    return run(className, null, params);
  }

  /** Starts instance {@code instanceId} (null: generated) of {@code className}. */
  public TestRun run(String className, String instanceId, Object params) {
    return run(
        className,
        (instanceId == null ? CreateInstance.withGeneratedId() : CreateInstance.withId(instanceId))
            .withParams(params));
  }

  /**
   * Starts an instance of {@code className} as {@code create} says, e.g. {@code
   * CreateInstance.withId("o-1").withParams(p).pausingOnFailure()}.
   */
  public TestRun run(String className, CreateInstance create) {
    Supplier<? extends Workflow> factory = factoryOf(className);
    bind(className);
    String id = client.createInstance(className, create).getId();
    return new TestRun(client, className, id, factory);
  }

  /** The run of an instance created otherwise (a batch, another client). */
  public TestRun runOf(String className, String instanceId) {
    return new TestRun(client, className, instanceId, factoryOf(className));
  }

  private Supplier<? extends Workflow> factoryOf(String className) {
    return classes
        .factory(className)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "No workflow class named "
                        + className
                        + " is registered; known: "
                        + classes.names()));
  }

  /**
   * Moves time on by {@code amount}: sleeps, retry backoffs and event timeouts that come due run at
   * once. It first {@linkplain #settle() settles}, so time jumps while the workflows sit in their
   * sleeps and waits, as it passes in production while they sleep.
   */
  public void advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    settle();
    clock.advance(amount);
    server.wakeEngine();
  }

  /**
   * Moves time on to the earliest timer of a waiting instance (a sleep, a retry backoff, an event
   * timeout), after {@linkplain #settle() settling}; returns how far, zero when none waits for
   * time.
   */
  public Duration advanceToNextTimer() {
    settle();
    Duration gap =
        server
            .nextTimer()
            .map(at -> Duration.between(clock.instant(), at))
            .filter(d -> !d.isNegative())
            .orElse(Duration.ZERO);
    clock.advance(gap);
    server.wakeEngine();
    return gap;
  }

  /**
   * Waits (up to 10 s) until the engine has nothing to do before time passes or a client acts: no
   * instance is queued, running or rolling back, no timer is due and no awaited event is unread.
   *
   * @throws IllegalStateException when instances are still busy after 10 s (a step that works
   *     longer, or queued instances that may not start: a concurrency limit)
   */
  public void settle() {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    server.wakeEngine();
    while (!server.engineIdle()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "The engine is still busy after "
                + SETTLE_TIMEOUT.toSeconds()
                + " s; instances of "
                + boundWorkflows
                + " still run or may start");
      }
      Polling.pause();
    }
  }

  private void bind(String className) {
    if (boundWorkflows.contains(className)) {
      return;
    }
    client.putWorkflow(className, className, "testkit");
    boundWorkflows.add(className);
  }

  /** Stops the server and deletes its temporary store. */
  @Override
  public void close() {
    try {
      client.close();
    } finally {
      server.close();
      deleteQuietly(dataDir);
    }
  }

  private static void deleteQuietly(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind harms nothing
    }
  }

  /** Which workflow classes to run. */
  public static final class Builder {
    private final WorkflowRegistry registry = new WorkflowRegistry();

    private Builder() {}

    /**
     * {@code type}, under its simple name, a new object per run (public no-argument constructor).
     */
    public Builder register(Class<? extends Workflow> type) {
      registry.add(type);
      return this;
    }

    /** This object, under its class's simple name, for every run. */
    public Builder register(Workflow workflow) {
      registry.add(workflow);
      return this;
    }

    /** Objects from {@code factory}, one per run, under {@code className}. */
    public Builder register(String className, Supplier<? extends Workflow> factory) {
      registry.add(className, factory);
      return this;
    }

    /** Starts the server on a temporary store. */
    public WorkflowTestKit start() {
      if (registry.names().isEmpty()) {
        throw new IllegalStateException("Register at least one workflow class");
      }
      Path dataDir = temporaryFolder();
      MovableClock clock = new MovableClock();
      Config config =
          Config.of("127.0.0.1", 0, dataDir, Config.durabilityNamed("normal"))
              .withCreationRates(Config.CreationRates.UNLIMITED);
      StepflowServer server = StepflowServer.start(config, registry, clock);
      try {
        StepflowClient client =
            StepflowClient.builder()
                .baseUrl(server.baseUrl())
                .apiToken(server.devToken().orElseThrow())
                .accountId(ACCOUNT)
                .build();
        return new WorkflowTestKit(server, client, clock, dataDir, registry);
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    }

    private static Path temporaryFolder() {
      try {
        return Files.createTempDirectory("stepflow-testkit-");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot make a temporary data folder", e);
      }
    }
  }
}
