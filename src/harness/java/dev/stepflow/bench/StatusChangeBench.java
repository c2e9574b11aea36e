package dev.stepflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.domain.Action;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.NewInstance;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.Transitions;
import dev.stepflow.domain.WorkflowDefinition;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.engine.runtime.EngineHooks;
import dev.stepflow.engine.service.InstanceControl;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.jdbc.JdbcWorkflowStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

/**
 * What one status change costs the embedded store, without HTTP: pause and resume through {@link
 * InstanceControl} (the path of {@code PATCH .../status}) on a real SQLite file with durability
 * normal. Each thread walks its own instances, pausing all of them, then resuming all of them, as
 * the control benchmark's wrk script does; one thread makes every write a lone write on the
 * caller's thread, several make the single writer batch them.
 *
 * <p>Prints one JSON line per thread count: changes per second, the process's CPU per change and
 * the writer thread's. Run it on a jar's classes to compare builds side by side: {@code java -cp
 * target/test-classes:JAR dev.stepflow.bench.StatusChangeBench --dir=DIR}. Options: {@code
 * --instances=3000 --changes=60000 --warmup=60000 --threads=1,16 --dir=target/bench-status
 * --params-chars=0} (each instance's params, about that many characters of JSON; none by default).
 */
public final class StatusChangeBench {
  private static final WorkflowRef WORKFLOW = new WorkflowRef("bench", "status");
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] argv) throws Exception {
    BenchArgs args = new BenchArgs(argv);
    int instances = args.number("instances", 3_000);
    int changes = args.number("changes", 60_000);
    int warmup = args.number("warmup", 60_000);
    List<Integer> threadCounts =
        Arrays.stream(args.text("threads", "1,16").split(",")).map(Integer::parseInt).toList();
    Path dir = args.path("dir", "target/bench-status");
    int paramsChars = args.number("params-chars", 0);
    args.requireAllTaken();
    String params = paramsChars == 0 ? null : ParamsOfSize.json(paramsChars);
    EngineBench.deleteTree(dir);
    Files.createDirectories(dir);
    Clock clock = Clock.systemUTC();
    try (SqliteDatabase db = SqliteDatabase.open(dir, SqliteDatabase.Durability.PROCESS_CRASH)) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      new JdbcWorkflowStore(db)
          .putWorkflow(
              WORKFLOW,
              new WorkflowDefinition(
                  "Scripted", "bench", WorkflowDefinition.DEFAULT_STEP_LIMIT, Retention.FOREVER),
              clock.instant());
      InstanceControl control =
          new InstanceControl(store, Transitions.TABLE, clock, EngineHooks.NONE);
      int threadsMost = threadCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
      List<List<InstanceRef>> owned = new ArrayList<>();
      for (int t = 0; t < threadsMost; t++) {
        String prefix = "t" + t + "-";
        List<NewInstance> items =
            IntStream.range(0, instances / threadsMost)
                .mapToObj(i -> new NewInstance(prefix + i, params))
                .toList();
        store.createInstances(WORKFLOW, items, "bench", clock.instant());
        owned.add(items.stream().map(i -> WORKFLOW.instance(i.instanceId())).toList());
      }
      for (int threads : threadCounts) {
        Walk walk = new Walk(control, owned.subList(0, threads));
        walk.run(warmup);
        ObjectNode line = walk.measured(changes);
        line.put("threads", threads);
        System.out.println(JSON.writeValueAsString(line));
      }
    }
  }

  /**
   * Threads that each alternate pause and resume over their own instances; every change is a real
   * transition (queued to paused, paused to queued). Keeps each thread's place between runs, so a
   * run continues the walk where the last one stopped.
   */
  private static final class Walk {
    private final InstanceControl control;
    private final List<List<InstanceRef>> owned;
    private final long[] position;

    Walk(InstanceControl control, List<List<InstanceRef>> owned) {
      this.control = control;
      this.owned = owned;
      this.position = new long[owned.size()];
    }

    /**
     * Makes about {@code changes} status changes, the same number on each thread; returns how many
     * it made (a multiple of the threads).
     */
    int run(int changes) throws InterruptedException {
      int each = changes / owned.size();
      CountDownLatch done = new CountDownLatch(owned.size());
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < owned.size(); t++) {
        int thread = t;
        Thread.ofPlatform()
            .name("walk-" + t)
            .start(
                () -> {
                  try {
                    walk(thread, each);
                  } catch (RuntimeException e) {
                    failures.add(e);
                  } finally {
                    done.countDown();
                  }
                });
      }
      done.await();
      if (!failures.isEmpty()) {
        throw new IllegalStateException("a status change failed", failures.getFirst());
      }
      return each * owned.size();
    }

    private void walk(int thread, int changes) {
      List<InstanceRef> mine = owned.get(thread);
      for (int i = 0; i < changes; i++) {
        long at = position[thread]++;
        InstanceRef ref = mine.get((int) (at % mine.size()));
        Action action = (at / mine.size()) % 2 == 0 ? Action.PAUSE : Action.RESUME;
        control.apply(ref, action, Optional.empty(), "bench");
      }
    }

    ObjectNode measured(int asked) throws InterruptedException {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long writer = writerThreadId(threads);
      long cpu0 = os.getProcessCpuTime();
      long writer0 = threads.getThreadCpuTime(writer);
      long t0 = System.nanoTime();
      int changes = run(asked);
      long wall = System.nanoTime() - t0;
      long cpu = os.getProcessCpuTime() - cpu0;
      long writerCpu = threads.getThreadCpuTime(writer) - writer0;
      ObjectNode line = JSON.createObjectNode();
      line.put("changes", changes);
      line.put("changes_per_s", changes / (wall / 1e9));
      line.put("cpu_us_per_change", cpu / 1e3 / changes);
      line.put("writer_thread_cpu_us_per_change", writerCpu / 1e3 / changes);
      return line;
    }

    private static long writerThreadId(ThreadMXBean threads) {
      for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
        if (info.getThreadName().equals("stepflow-writer")) {
          return info.getThreadId();
        }
      }
      throw new IllegalStateException("no stepflow-writer thread");
    }
  }

  private StatusChangeBench() {}
}
