package dev.stepflow.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

/**
 * JSON factories whose parse and write buffers are reused across threads, for the engine's JSON
 * (step results, attempt logs, params). Jackson's default keeps them per thread, and the engine
 * runs every run and every attempt on a virtual thread of its own: each thread's first read or
 * write allocated fresh buffers (8 KB of chars and 8 KB of bytes, zeroed), a fifth of all the
 * engine's allocation. The shared pool is bounded, so it keeps at most a hundred sets of buffers
 * whatever the number of threads. The HTTP layer keeps Jackson's default: the pool made no
 * measurable difference to a PATCH, and a request's parser may wait on a slow client while it holds
 * its buffers.
 */
public final class JsonBuffers {
  private JsonBuffers() {}

  /** A new factory, to build one mapper on, that takes its buffers from the shared pool. */
  public static JsonFactory pooledFactory() {
    return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();
  }
}
