package dev.stepflow.engine.runtime;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes the dispatcher when there may be new work, without a lock. Every start, resume and finished
 * run signals; of the callers that signal between two of the dispatcher's passes, the first unparks
 * it and the others return at once. (With a monitor here, 64 request threads resuming instances
 * spent a tenth of their samples contending for it.)
 */
final class DispatcherWakeUp {
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile Thread waiter;

  /** There may be new work: the dispatcher looks now rather than at the end of its wait. */
  void signal() {
    if (pending.get() || pending.getAndSet(true)) {
      return;
    }
    Thread dispatcher = waiter;
    if (dispatcher != null) {
      LockSupport.unpark(dispatcher);
    }
  }

  /**
   * Called by the dispatcher after a pass: waits up to {@code timeout} unless a signal came since
   * the last call (or the thread is interrupted: the engine closes), then clears it. A signal
   * during the next pass is therefore never lost: it was sent after this clear, so the next call
   * finds it and does not wait.
   */
  void await(Duration timeout) {
    // written before reading `pending`, as a signal writes `pending` before reading this: one of
    // the two sees the other's write, so a signal never finds no waiter while the wait goes on
    waiter = Thread.currentThread();
    long deadline = System.nanoTime() + timeout.toNanos();
    // a park may also end early (a permit left by a signal that came after the last wait ended)
    while (!pending.get() && !Thread.currentThread().isInterrupted()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      LockSupport.parkNanos(this, left);
    }
    pending.set(false);
  }
}
