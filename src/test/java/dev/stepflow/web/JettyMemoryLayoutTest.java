package dev.stepflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Jetty is told its references per cache line as it would have found them itself. */
class JettyMemoryLayoutTest {
  private final String before = System.getProperty(JettyMemoryLayout.REFERENCES_PER_CACHE_LINE);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(JettyMemoryLayout.REFERENCES_PER_CACHE_LINE);
    } else {
      System.setProperty(JettyMemoryLayout.REFERENCES_PER_CACHE_LINE, before);
    }
  }

  @Test
  void sixtyFourBytesOverTheSizeOfAReferenceOfThisJvm() {
    System.clearProperty(JettyMemoryLayout.REFERENCES_PER_CACHE_LINE);
    boolean compressed =
        Boolean.parseBoolean(
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("UseCompressedOops")
                .getValue());

    JettyMemoryLayout.describe();

    assertThat(System.getProperty(JettyMemoryLayout.REFERENCES_PER_CACHE_LINE))
        .isEqualTo(compressed ? "16" : "8");
  }

  @Test
  void aValueGivenOnTheCommandLineIsKept() {
    System.setProperty(JettyMemoryLayout.REFERENCES_PER_CACHE_LINE, "4");

    JettyMemoryLayout.describe();

    assertThat(System.getProperty(JettyMemoryLayout.REFERENCES_PER_CACHE_LINE)).isEqualTo("4");
  }
}
