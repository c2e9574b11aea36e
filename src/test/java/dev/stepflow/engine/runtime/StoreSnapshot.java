package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.domain.WireNames;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Statuses and step rows of {@link RecoveryWorkflow}'s instances as the SQLite file holds them
 * while no server runs.
 */
record StoreSnapshot(Map<String, Status> statuses, Map<String, List<StepRecord>> steps) {

  static StoreSnapshot read(Path data, Set<String> ids) {
    Map<String, Status> statuses = new LinkedHashMap<>();
    Map<String, List<StepRecord>> steps = new LinkedHashMap<>();
    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      for (String id : ids) {
        InstanceRef ref = new InstanceRef(RecoveryWorkflow.ACCOUNT, RecoveryWorkflow.WORKFLOW, id);
        statuses.put(id, store.findInstance(ref).map(Instance::status).orElseThrow());
        steps.put(id, store.steps(ref));
      }
    }
    return new StoreSnapshot(statuses, steps);
  }

  Status status(String id) {
    return statuses.get(id);
  }

  long countIn(Status status) {
    return statuses.values().stream().filter(status::equals).count();
  }

  StepRecord step(String id, String kind, String displayName) {
    return steps.get(id).stream()
        .filter(
            r -> WireNames.stepKind(r.kind()).equals(kind) && r.displayName().equals(displayName))
        .findFirst()
        .orElse(null);
  }

  /** The row's status, or null when the step has no row. */
  String stepStatus(String id, String kind, String displayName) {
    StepRecord row = step(id, kind, displayName);
    return row == null ? null : WireNames.stepStatus(row.status());
  }

  Set<StepKey> doStepsIn(String stepStatus) {
    Set<StepKey> keys = new HashSet<>();
    steps.forEach(
        (id, rows) ->
            rows.stream()
                .filter(
                    r ->
                        WireNames.stepKind(r.kind()).equals("do")
                            && WireNames.stepStatus(r.status()).equals(stepStatus))
                .forEach(r -> keys.add(new StepKey(id, r.displayName()))));
    return keys;
  }
}
