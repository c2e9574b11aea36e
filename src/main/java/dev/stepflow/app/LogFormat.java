package dev.stepflow.app;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * How the standalone server writes its log ({@code serve --log-format}): {@code text}, lines for
 * people, or {@code json}, one JSON object per line for collectors, written by Logback's own {@code
 * JsonEncoder}; {@link ServerLogging} configures both, with the same loggers and levels.
 *
 * <p>Why a reconfiguration rather than a choice at start: Logback configures itself when the first
 * logger is created, which is before the options are parsed (Main's own logger is a static field),
 * so {@code json} replaces the configuration once the options are known, before the server logs
 * anything. Nothing is logged in between, so no line is written in the other format.
 */
enum LogFormat {
  TEXT,
  JSON;

  /** The format named {@code name} on the command line (or in STEPFLOW_LOG_FORMAT). */
  static LogFormat named(String name) {
    return switch (name) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default ->
          throw new IllegalArgumentException(
              "--log-format must be text or json (found: " + name + ")");
    };
  }

  /**
   * Makes the log use this format. {@code text} keeps the configuration Logback found (the
   * server's, or a file given with {@code -Dlogback.configurationFile}); {@code json} replaces it
   * with the server's in JSON. Without Logback (SLF4J bound to another backend) the log is left as
   * it is.
   */
  void apply() {
    if (this == TEXT) {
      return;
    }
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      ServerLogging.apply(context, this);
    }
  }
}
