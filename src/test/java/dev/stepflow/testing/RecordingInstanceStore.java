package dev.stepflow.testing;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceQuery;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.LoggedStep;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Page;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.StepRef;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.store.BulkItemReceipt;
import dev.stepflow.store.InstanceStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The real instance store, except that it reports every no-op the transition table decides to a
 * {@link RowCoverage}: a no-op changes nothing and leaves no history row, so this is the only place
 * it can be seen. Moves are not reported here; they are read back from the status history, which
 * also has the engine's own moves (those go through the engine store, not this one).
 */
public final class RecordingInstanceStore implements InstanceStore {
  private final InstanceStore store;
  private final RowCoverage coverage;

  public RecordingInstanceStore(InstanceStore store, RowCoverage coverage) {
    this.store = store;
    this.coverage = coverage;
  }

  @Override
  public MoveAttempt decideAndMove(
      InstanceRef ref,
      Function<dev.stepflow.domain.CurrentStatus, Decision> decide,
      dev.stepflow.domain.ChangeOrigin origin,
      Instant at,
      Optional<StepRef> restartFrom,
      Optional<BulkItemReceipt> receipt) {
    MoveAttempt attempt = store.decideAndMove(ref, decide, origin, at, restartFrom, receipt);
    if (attempt.decision() instanceof Decision.NoOp noOp) {
      coverage.visited(noOp.current(), noOp.trigger());
    }
    return attempt;
  }

  @Override
  public List<Instance> createInstances(
      WorkflowRef workflow,
      List<NewInstance> items,
      dev.stepflow.domain.ChangeOrigin origin,
      Instant now) {
    return store.createInstances(workflow, items, origin, now);
  }

  @Override
  public Optional<Instance> findInstance(InstanceRef ref) {
    return store.findInstance(ref);
  }

  @Override
  public Page<Instance> listInstances(InstanceQuery query) {
    return store.listInstances(query);
  }

  @Override
  public Deletion deleteInstance(
      InstanceRef ref,
      Set<Status> deletableStatuses,
      Optional<BulkItemReceipt> receipt,
      Instant at) {
    return store.deleteInstance(ref, deletableStatuses, receipt, at);
  }

  @Override
  public List<StatusChange> history(InstanceRef ref) {
    return store.history(ref);
  }

  @Override
  public Optional<Page<StatusChange>> historyPage(InstanceRef ref, Optional<Long> after, int size) {
    return store.historyPage(ref, after, size);
  }

  @Override
  public Optional<StepRecord> findStep(InstanceRef ref, StepRef step) {
    return store.findStep(ref, step);
  }

  @Override
  public List<StepRecord> steps(InstanceRef ref) {
    return store.steps(ref);
  }

  @Override
  public List<LoggedStep> stepLog(InstanceRef ref) {
    return store.stepLog(ref);
  }

  @Override
  public MoveResult bufferEvent(
      InstanceRef ref,
      String type,
      String payloadJson,
      Instant now,
      Set<Status> acceptingStatuses) {
    return store.bufferEvent(ref, type, payloadJson, now, acceptingStatuses);
  }

  @Override
  public List<BufferedEvent> bufferedEvents(InstanceRef ref) {
    return store.bufferedEvents(ref);
  }
}
