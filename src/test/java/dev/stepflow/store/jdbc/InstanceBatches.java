package dev.stepflow.store.jdbc;

import dev.stepflow.domain.Instance;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.WorkflowRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Many instances for the plan tests, created as the batch API does. */
final class InstanceBatches {
  private InstanceBatches() {}

  /**
   * {@code n} queued instances of {@code wf} named {@code prefix0} on, in batches of the API's
   * largest (100), each one transaction.
   */
  static List<Instance> create(
      JdbcInstanceStore instances, WorkflowRef wf, String prefix, int n, Instant at) {
    List<NewInstance> items =
        IntStream.range(0, n).mapToObj(i -> new NewInstance(prefix + i, null)).toList();
    List<Instance> created = new ArrayList<>();
    for (int from = 0; from < n; from += 100) {
      created.addAll(
          instances.createInstances(wf, items.subList(from, Math.min(n, from + 100)), "test", at));
    }
    return created;
  }
}
