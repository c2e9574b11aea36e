package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What recording a step allocates, measured by the JVM's count of allocated bytes: every run and
 * every attempt is a virtual thread of its own, and the engine records thousands of steps a second,
 * so buffers sized for the worst case or made per thread were most of its garbage.
 */
class StepJsonAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void writingASmallResultAllocatesForWhatItWritesNotForItsBound() {
    assumeTrue(THREADS.isThreadAllocatedMemoryEnabled());
    JsonNode result = StepJson.read("{\"ok\":true,\"n\":42}");
    int calls = 2_000;
    for (int i = 0; i < calls; i++) {
      StepJson.writeAtMost(result, 1 << 20);
    }

    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < calls; i++) {
      StepJson.writeAtMost(result, 1 << 20);
    }
    long perCall = (THREADS.getCurrentThreadAllocatedBytes() - before) / calls;

    // about 0.8 KB; a buffer of the bound's first 8 KB made it 8.4 KB
    assertThat(perCall).isLessThan(3_000);
  }

  @Test
  void aNewVirtualThreadReadsWithPooledBuffers() throws InterruptedException {
    assumeTrue(THREADS.isThreadAllocatedMemoryEnabled());
    String params = "{\"steps\":[{\"do\":\"a\"},{\"do\":\"b\"}]}";
    readOnNewThreads(params, 500);

    long before = THREADS.getTotalThreadAllocatedBytes();
    readOnNewThreads(params, 500);
    long perThread = (THREADS.getTotalThreadAllocatedBytes() - before) / 500;

    // about 1.8 KB with the shared pool; Jackson's buffers per thread made it 10 KB
    assertThat(perThread).isLessThan(5_000);
  }

  private static void readOnNewThreads(String json, int threads) throws InterruptedException {
    List<Thread> started = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      started.add(Thread.ofVirtual().start(() -> StepJson.read(json)));
    }
    for (Thread thread : started) {
      thread.join();
    }
  }
}
