package dev.stepflow.engine.runtime;

import dev.stepflow.domain.InstanceRef;
import dev.stepflow.store.AppliedMove;
import java.util.function.Predicate;

/**
 * How the request side tells the runtime that something changed: a status move whose effects it
 * carries out, new work (an instance created, an event buffered), or deleted instances.
 */
public interface EngineHooks {
  EngineHooks NONE =
      new EngineHooks() {
        @Override
        public void afterMove(AppliedMove applied) {}

        @Override
        public void workAvailable() {}

        @Override
        public void deleted(Predicate<InstanceRef> which) {}
      };

  /** A move committed; the runtime carries out its share of the move's effects. */
  void afterMove(AppliedMove applied);

  void workAvailable();

  /** Instances matching {@code which} were deleted: their runs stop at once. */
  void deleted(Predicate<InstanceRef> which);
}
