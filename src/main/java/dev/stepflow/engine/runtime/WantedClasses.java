package dev.stepflow.engine.runtime;

import dev.stepflow.store.EngineStore.ClassWanted;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells, once per workflow class and process, that instances wait for a class this node has not
 * registered: they are never failed for it, and run as soon as a node that has the class takes
 * them, so the log line is the operator's only hint that a jar or a registration is missing.
 */
final class WantedClasses {
  private static final Logger log = LoggerFactory.getLogger(WantedClasses.class);

  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  void report(List<ClassWanted> wanted, List<String> registered) {
    for (ClassWanted w : wanted) {
      if (reported.add(w.className())) {
        log.warn(
            "Instances of workflow '{}' (account '{}') wait for workflow class '{}', which this"
                + " node has not registered (it has: {}). Register the class with the engine, or"
                + " run a node that has it; the instances keep their status and checkpoints and"
                + " continue then.",
            w.workflow().workflowName(),
            w.workflow().accountId(),
            w.className(),
            registered.isEmpty() ? "none" : String.join(", ", registered));
      }
    }
  }
}
