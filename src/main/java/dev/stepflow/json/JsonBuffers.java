package dev.stepflow.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

/**
 * JSON factories whose parse and write buffers are reused across threads. Jackson's default keeps
 * them per thread, and Stepflow runs every request and every run on a virtual thread of its own:
 * each first read or write of a thread allocated fresh buffers (8 KB of chars and 8 KB of bytes,
 * zeroed), which was a fifth of all the engine's allocation. The shared pool is bounded, so it
 * keeps at most a hundred sets of buffers, whatever the number of threads.
 */
public final class JsonBuffers {
  private JsonBuffers() {}

  /** A new factory, to build one mapper on, that takes its buffers from the shared pool. */
  public static JsonFactory pooledFactory() {
    return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();
  }
}
