package dev.stepflow.app;

import com.fasterxml.jackson.core.base.ParserMinimalBase;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.eclipse.jetty.http.MimeTypes;

/**
 * Initializes, on a thread of its own, the classes whose static set-up is slowest on the server's
 * path to its first answer, while the main thread parses the command line. Each one is needed a
 * little later; the main thread then finds it ready, or waits for the initialization in progress
 * (the JVM lets one thread initialize a class), so nothing is done twice and nothing changes but
 * when. Measured with the start-up cache, on two cores: Jetty's MIME tables were about 80 ms and
 * Jackson's first parser and mapper about 30 ms of a 2.3 s start.
 */
final class WarmStart {
  private static final List<Class<?>> SLOW_TO_INITIALIZE =
      List.of(MimeTypes.class, ObjectMapper.class, ParserMinimalBase.class);

  private WarmStart() {}

  static void begin() {
    Thread.ofPlatform().name("warm-start").daemon().start(WarmStart::initializeAll);
  }

  private static void initializeAll() {
    ClassLoader loader = WarmStart.class.getClassLoader();
    for (Class<?> type : SLOW_TO_INITIALIZE) {
      try {
        Class.forName(type.getName(), true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // the main thread initializes it when it needs it, and reports a failure then
        return;
      }
    }
  }
}
