package dev.stepflow.engine.runtime;

import java.time.Duration;

/**
 * A task run on a daemon thread of its own, again and again with {@code pause} before each run,
 * until closed: the engine's watchers (lease renewal, fence checks, waiting step records). Closing
 * interrupts the pause, or the run in progress.
 */
final class Repeating implements AutoCloseable {
  private final String name;
  private final Duration pause;
  private final Runnable task;
  private volatile boolean closed;
  private Thread thread;

  Repeating(String name, Duration pause, Runnable task) {
    this.name = name;
    this.pause = pause;
    this.task = task;
  }

  void start() {
    thread = Thread.ofPlatform().name(name).daemon(true).start(this::repeat);
  }

  private void repeat() {
    while (!closed) {
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return;
      }
      task.run();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
