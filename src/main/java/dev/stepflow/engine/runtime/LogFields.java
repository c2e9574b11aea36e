package dev.stepflow.engine.runtime;

import dev.stepflow.domain.InstanceRef;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The fields the engine puts into SLF4J's MDC while a run executes, so that every line logged on a
 * run's thread (and on its step attempts' threads) says which instance it is about: {@code
 * --log-format json} writes them as the {@code mdc} object of each line. The names are part of that
 * output and described in the README ("Operating Stepflow").
 *
 * <p>The MDC is per thread; each run has a virtual thread of its own, and every field set here is
 * removed again before that thread ends or goes on with something else.
 */
final class LogFields {
  static final String INSTANCE = "instance";
  static final String WORKFLOW = "workflow";
  static final String ACCOUNT = "account";
  static final String RUN_ID = "runId";
  static final String STEP = "step";

  private static final List<String> RUN_FIELDS = List.of(INSTANCE, WORKFLOW, ACCOUNT, RUN_ID);

  private LogFields() {}

  /** Sets the fields of a run on this thread; {@link #clearRun} removes them. */
  static void putRun(InstanceRef ref, long runId) {
    MDC.put(INSTANCE, ref.instanceId());
    MDC.put(WORKFLOW, ref.workflowName());
    MDC.put(ACCOUNT, ref.accountId());
    MDC.put(RUN_ID, Long.toString(runId));
  }

  static void clearRun() {
    RUN_FIELDS.forEach(MDC::remove);
    MDC.remove(STEP);
  }

  /** Names the step on this thread until the returned handle is closed. */
  static MDC.MDCCloseable step(String displayName) {
    return MDC.putCloseable(STEP, displayName);
  }

  /**
   * Wraps work that runs on another thread (a step attempt) so that it logs with this thread's
   * fields, and leaves that thread's MDC as it found it (empty).
   */
  static <T> java.util.concurrent.Callable<T> carried(java.util.concurrent.Callable<T> work) {
    Map<String, String> fields = MDC.getCopyOfContextMap();
    if (fields == null || fields.isEmpty()) {
      return work;
    }
    return () -> {
      MDC.setContextMap(fields);
      try {
        return work.call();
      } finally {
        MDC.clear();
      }
    };
  }
}
