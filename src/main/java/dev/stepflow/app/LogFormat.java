package dev.stepflow.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * How the standalone server writes its log ({@code serve --log-format}): {@code text}, the lines of
 * logback.xml for people, or {@code json}, one JSON object per line for collectors, written by
 * Logback's own {@code JsonEncoder} as configured in logback-json.xml (both files are in src/server
 * and go only into target/stepflow.jar).
 *
 * <p>Why a reconfiguration rather than a choice at start: Logback configures itself when the first
 * logger is created, which is before the options are parsed (Main's own logger is a static field),
 * so {@code json} replaces the configuration once the options are known, before the server logs
 * anything. Nothing is logged in between, so no line is written in the other format.
 */
enum LogFormat {
  TEXT,
  JSON;

  /** The server jar's JSON configuration (src/server/logback-json.xml). */
  static final String JSON_CONFIGURATION = "logback-json.xml";

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
   * Makes the log use this format. {@code text} keeps the configuration Logback found; {@code json}
   * replaces it with {@link #JSON_CONFIGURATION}. Without Logback (SLF4J bound to another backend)
   * the log is left as it is.
   */
  void apply() {
    if (this == TEXT) {
      return;
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    URL configuration = LogFormat.class.getClassLoader().getResource(JSON_CONFIGURATION);
    if (configuration == null) {
      throw new IllegalArgumentException(
          "--log-format json needs "
              + JSON_CONFIGURATION
              + " on the class path; target/stepflow.jar has it (mvn package builds it)");
    }
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(configuration);
    } catch (JoranException e) {
      throw new IllegalStateException(
          "The server jar's " + JSON_CONFIGURATION + " is not valid: " + e.getMessage(), e);
    }
  }
}
