package dev.stepflow.web;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Tells Jetty how many object references fit in a cache line before its first thread pool is made,
 * so that it need not ask the platform MBean server. Jetty's {@code MemoryUtils} asks that server
 * whether compressed references are on unless the property below is set, and creating the server
 * registers every platform MBean: the diagnostic commands' one runs each command's help, JFR's
 * included, which was about 130 ms of a 2.3 s start. The answer here is the one Jetty would reach,
 * read from the same JVM option without the server. A value given on the command line is kept.
 */
final class JettyMemoryLayout {
  static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

  /** Jetty's own default line size, which it reads from another property when set. */
  private static final int CACHE_LINE_BYTES = 64;

  private JettyMemoryLayout() {}

  static void describe() {
    if (System.getProperty(REFERENCES_PER_CACHE_LINE) != null) {
      return;
    }
    int lineBytes = Integer.getInteger("org.eclipse.jetty.util.cacheLineBytes", CACHE_LINE_BYTES);
    System.setProperty(REFERENCES_PER_CACHE_LINE, Integer.toString(lineBytes / referenceBytes()));
  }

  private static int referenceBytes() {
    HotSpotDiagnosticMXBean hotspot =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (hotspot == null) {
      return Long.BYTES;
    }
    return Boolean.parseBoolean(hotspot.getVMOption("UseCompressedOops").getValue())
        ? Integer.BYTES
        : Long.BYTES;
  }
}
