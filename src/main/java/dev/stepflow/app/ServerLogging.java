package dev.stepflow.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * The standalone server's logging: one appender to standard error, in the format of {@code
 * --log-format}, and the levels below, defined once for both formats. Written in Java rather than
 * as logback.xml because reading XML loads Logback's Joran parser and its model classes before main
 * runs: most of the half second that a start without the start-up cache lost (with the cache, the
 * difference is too small to measure).
 *
 * <p>Only the server jar names this class to Logback (its
 * META-INF/services/ch.qos.logback.classic.spi.Configurator, from src/server); the library jar
 * leaves logging to the application. A configuration file given with {@code
 * -Dlogback.configurationFile} is used instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ServerLogging extends ContextAwareBase implements Configurator {
  /** Logback's own property naming a configuration file; when set, that file configures. */
  static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";

  /** Levels of libraries that would otherwise fill the log at INFO. */
  private static final Map<String, Level> LEVELS =
      Map.of(
          "org.flywaydb", Level.WARN,
          "com.zaxxer.hikari", Level.WARN,
          "org.glassfish.jersey", Level.WARN,
          // resources are registered as instances; Jersey warns that they are not also providers
          "org.glassfish.jersey.internal.inject.Providers", Level.ERROR,
          "org.hibernate.validator", Level.WARN,
          // Jetty announces every start and context at INFO; Stepflow says what it serves itself
          "org.eclipse.jetty", Level.WARN,
          // Jetty's parser warns of one thing only, a request with two Host headers, which it
          // answers 400: a client's mistake, which any client could repeat to fill the log
          "org.eclipse.jetty.http.HttpParser", Level.ERROR);

  private static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

  /** Called by Logback when the first logger is created: the text format. */
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(CONFIGURATION_FILE_PROPERTY) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context, LogFormat.TEXT);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Replaces whatever configures {@code context} with the server's, in {@code format}. The JSON
   * lines have timestamp (epoch ms), level, threadName, loggerName, mdc (instance, workflow,
   * account, runId, step on the lines of a run), formattedMessage and, for an exception, throwable.
   */
  static void apply(LoggerContext context, LogFormat format) {
    context.reset();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("STDERR");
    appender.setTarget("System.err");
    appender.setEncoder(encoder(context, format));
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
    return switch (format) {
      case TEXT -> {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        yield encoder;
      }
      case JSON -> {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        // the message with its arguments filled in, rather than the pattern and the arguments
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        yield encoder;
      }
    };
  }
}
