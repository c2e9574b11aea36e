package dev.stepflow.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Submits prepared batch bodies with a few client threads, each taking the next batch until none is
 * left or the round's deadline passed. Bounded in count (the bodies) and time (the deadline).
 */
final class Load implements AutoCloseable {
  private final ExecutorService pool;
  private final List<Future<?>> clients = new ArrayList<>();
  private final AtomicLong lastAck = new AtomicLong();
  private final long deadline;

  private Load(int threads, long deadline) {
    this.pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "bench-client"));
    this.deadline = deadline;
  }

  /**
   * The batch bodies for {@code count} instances: ids {@code prefix-N}, all with {@code params}.
   */
  static List<String> bodies(String prefix, int count, String params, int batchSize) {
    List<String> bodies = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < count; i++) {
      body.append(body.isEmpty() ? "[" : ",")
          .append(String.format(Locale.ROOT, "{\"instance_id\":\"%s-%07d\",\"params\":", prefix, i))
          .append(params)
          .append('}');
      if ((i + 1) % batchSize == 0 || i == count - 1) {
        bodies.add(body.append(']').toString());
        body.setLength(0);
      }
    }
    return bodies;
  }

  /** Starts {@code threads} clients POSTing {@code bodies} to {@code workflow}'s batch endpoint. */
  static Load start(
      BenchHttp http, String workflow, List<String> bodies, int threads, long deadline) {
    return start(List.of(http), workflow, bodies, threads, deadline);
  }

  /**
   * As {@link #start(BenchHttp, String, List, int, long)}, client {@code t} sending to {@code
   * servers.get(t % servers.size())}: the nodes of a cluster share the load.
   */
  static Load start(
      List<BenchHttp> servers, String workflow, List<String> bodies, int threads, long deadline) {
    Load load = new Load(threads, deadline);
    AtomicInteger next = new AtomicInteger();
    for (int t = 0; t < threads; t++) {
      BenchHttp http = servers.get(t % servers.size());
      load.clients.add(
          load.pool.submit(
              () -> {
                for (int i = next.getAndIncrement();
                    i < bodies.size();
                    i = next.getAndIncrement()) {
                  if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                        "the round's time limit passed while submitting");
                  }
                  http.createBatch(workflow, bodies.get(i));
                  load.lastAck.accumulateAndGet(System.nanoTime(), Math::max);
                }
                return null;
              }));
    }
    return load;
  }

  /** Throws the first client failure, if any client failed already. */
  void rethrowIfFailed() {
    for (Future<?> f : clients) {
      if (f.isDone()) {
        get(f, 0);
      }
    }
  }

  /** Waits for every client (at most until the deadline); returns when the last batch was acked. */
  long await() {
    for (Future<?> f : clients) {
      get(f, Math.max(1, deadline - System.nanoTime()));
    }
    return lastAck.get();
  }

  private static void get(Future<?> f, long nanos) {
    try {
      f.get(nanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      if (nanos > 0) {
        throw new IllegalStateException("the round's time limit passed while submitting", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
