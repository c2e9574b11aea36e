package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Decision;
import dev.stepflow.domain.InstanceRef;

/**
 * How the request side tells the engine that something changed: a status move it must act on (the
 * move's effects say what), or new work (an instance created, an event buffered).
 */
public interface EngineHooks {
  EngineHooks NONE =
      new EngineHooks() {
        @Override
        public void afterMove(InstanceRef ref, Decision.Move move) {}

        @Override
        public void workAvailable() {}

        @Override
        public void deleted(java.util.function.Predicate<InstanceRef> which) {}
      };

  void afterMove(InstanceRef ref, Decision.Move move);

  void workAvailable();

  /** Instances matching {@code which} were deleted: their runs stop at once. */
  void deleted(java.util.function.Predicate<InstanceRef> which);
}
