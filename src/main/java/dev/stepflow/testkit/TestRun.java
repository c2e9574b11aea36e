package dev.stepflow.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.api.model.InstanceDetails;
import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.api.model.RestartFrom;
import dev.stepflow.api.model.RollbackEntry;
import dev.stepflow.api.model.SleepEntry;
import dev.stepflow.api.model.StepEntry;
import dev.stepflow.api.model.StepLogEntry;
import dev.stepflow.api.model.WaitForEventEntry;
import dev.stepflow.client.StepflowClient;
import dev.stepflow.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One instance started by a {@link WorkflowTestKit}: its status, outputs and step log, and the
 * status changes and events a client would send it. Every method is a request to the server.
 */
public final class TestRun {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Statuses the instance stays in until a client changes it. */
  private static final Set<InstanceStatus> FINAL =
      Set.of(InstanceStatus.COMPLETE, InstanceStatus.ERRORED, InstanceStatus.TERMINATED);

  private final StepflowClient client;
  private final String workflow;
  private final String id;
  private final Supplier<? extends Workflow> factory;

  TestRun(StepflowClient client, String workflow, String id, Supplier<? extends Workflow> factory) {
    this.client = client;
    this.workflow = workflow;
    this.id = id;
    this.factory = factory;
  }

  public String id() {
    return id;
  }

  /** The workflow it belongs to (named after its class). */
  public String workflow() {
    return workflow;
  }

  /** What {@code GET .../instances/{id}} answers now. */
  public InstanceDetails details() {
    return client.getInstance(workflow, id);
  }

  public InstanceStatus status() {
    return details().getStatus();
  }

  /** Waits up to 10 s for {@code expected}; see {@link #awaitStatus(InstanceStatus, Duration)}. */
  public TestRun awaitStatus(InstanceStatus expected) {
    return awaitStatus(expected, DEFAULT_TIMEOUT);
  }

  /**
   * Waits until the instance is in {@code expected}.
   *
   * @throws AssertionError when the time ran out, or the instance ended (complete, errored,
   *     terminated) in another status; the message holds its error and step log
   */
  public TestRun awaitStatus(InstanceStatus expected, Duration timeout) {
    InstanceDetails last =
        Polling.until(
            this::details,
            d -> d.getStatus() == expected || FINAL.contains(d.getStatus()),
            timeout);
    if (last.getStatus() != expected) {
      throw new AssertionError(
          "Instance "
              + id
              + " of "
              + workflow
              + " is "
              + last.getStatus()
              + ", expected "
              + expected
              + (FINAL.contains(last.getStatus()) ? "" : " within " + timeout)
              + "; error: "
              + last.getError()
              + "; steps: "
              + steps(last));
    }
    return this;
  }

  /** The instance's output (what {@code run} returned), or a JSON null. */
  public JsonNode output() {
    return JSON.valueToTree(details().getOutput());
  }

  /**
   * The recorded output of step {@code step}: {@code "charge"} is its first occurrence, {@code
   * "charge-2"} its second.
   *
   * @throws AssertionError when the log has no such step
   */
  public JsonNode stepOutput(String step) {
    return JSON.valueToTree(doEntry(step).getOutput());
  }

  /** How many attempts step {@code step} took (its failed ones and the one that succeeded). */
  public int attempts(String step) {
    StepEntry entry = doEntry(step);
    return entry.getAttemptCount() != null ? entry.getAttemptCount() : entry.getAttempts().size();
  }

  /** The names of the steps, sleeps and event waits in the log, as {@code name-count}, in order. */
  public List<String> steps() {
    return steps(details());
  }

  /** The steps whose rollback handlers ran, in the order they ran (newest step first). */
  public List<String> rollbacks() {
    return details().getSteps().stream()
        .filter(RollbackEntry.class::isInstance)
        .map(e -> ((RollbackEntry) e).getName())
        .toList();
  }

  public TestRun pause() {
    client.pause(workflow, id);
    return this;
  }

  public TestRun resume() {
    client.resume(workflow, id);
    return this;
  }

  /** Terminates without running the rollback handlers. */
  public TestRun terminate() {
    client.terminate(workflow, id, false);
    return this;
  }

  /** Terminates after running the rollback handlers of the finished steps, newest first. */
  public TestRun terminateWithRollback() {
    client.terminate(workflow, id, true);
    return this;
  }

  /** Runs it again from its start. */
  public TestRun restart() {
    client.restart(workflow, id);
    return this;
  }

  /**
   * Runs it again from step {@code name} (its first occurrence); earlier steps keep their results.
   */
  public TestRun restartFrom(String name) {
    client.restart(workflow, id, new RestartFrom().name(name));
    return this;
  }

  /** Sends event {@code type}; a {@code waitForEvent} on that type receives it. */
  public TestRun sendEvent(String type, Object payload) {
    client.sendEvent(workflow, id, type, payload);
    return this;
  }

  /**
   * Runs the workflow's code once more against the recorded step log, as the engine replays it
   * after a suspension or a crash, and returns a warning per mismatch: a step in the log that the
   * code did not reach, or a step the code reached that the log lacks while the instance has ended.
   * Steps are matched by name and count, as Cloudflare's engine does, so a rename or a reordering
   * that changes which steps run shows up here, before it meets instances in flight.
   */
  public List<String> replayWarnings() {
    return new ReplayCheck(details(), factory.get()).warnings();
  }

  private StepEntry doEntry(String step) {
    InstanceDetails details = details();
    return find(details, step)
        .or(() -> find(details, step + "-1"))
        .orElseThrow(
            () ->
                new AssertionError(
                    "Instance " + id + " has no step " + step + "; steps: " + steps(details)));
  }

  private static Optional<StepEntry> find(InstanceDetails details, String name) {
    return details.getSteps().stream()
        .filter(StepEntry.class::isInstance)
        .map(StepEntry.class::cast)
        .filter(e -> name.equals(e.getName()))
        .findFirst();
  }

  static List<String> steps(InstanceDetails details) {
    return details.getSteps().stream().map(TestRun::nameOf).flatMap(Optional::stream).toList();
  }

  /** The name of a step, sleep or event wait; rollbacks and terminations have none here. */
  static Optional<String> nameOf(StepLogEntry entry) {
    return switch (entry) {
      case StepEntry e -> Optional.of(e.getName());
      case SleepEntry e -> Optional.of(e.getName());
      case WaitForEventEntry e -> Optional.of(e.getName());
      default -> Optional.empty();
    };
  }
}
