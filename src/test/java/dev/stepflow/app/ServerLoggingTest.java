package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's logging as Logback gets it: one appender on standard error in the chosen format, the
 * libraries' levels, and a configuration file given on the command line left to Logback.
 */
class ServerLoggingTest {
  private final LoggerContext context = new LoggerContext();

  @AfterEach
  void clearProperty() {
    System.clearProperty(ServerLogging.CONFIGURATION_FILE_PROPERTY);
    context.stop();
  }

  @Test
  void textIsOneStandardErrorAppenderWithTheLibrariesQuieted() {
    ServerLogging logging = new ServerLogging();
    logging.setContext(context);

    assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    ConsoleAppender<?> appender = (ConsoleAppender<?>) root.getAppender("STDERR");
    assertThat(appender.getTarget()).isEqualTo("System.err");
    assertThat(appender.isStarted()).isTrue();
    assertThat(appender.getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
    assertThat(context.getLogger("org.eclipse.jetty").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("org.eclipse.jetty.http.HttpParser").getEffectiveLevel())
        .isEqualTo(Level.ERROR);
    assertThat(context.getLogger("org.flywaydb.core.Flyway").getEffectiveLevel())
        .isEqualTo(Level.WARN);
    assertThat(context.getLogger("dev.stepflow.engine").getEffectiveLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void jsonReplacesTheAppenderAndKeepsTheLevels() {
    ServerLogging.apply(context, LogFormat.TEXT);
    ServerLogging.apply(context, LogFormat.JSON);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    ConsoleAppender<?> appender = (ConsoleAppender<?>) root.getAppender("STDERR");
    assertThat(appender.getEncoder()).isInstanceOf(JsonEncoder.class);
    assertThat(root.iteratorForAppenders()).toIterable().hasSize(1);
    assertThat(context.getLogger("org.hibernate.validator").getEffectiveLevel())
        .isEqualTo(Level.WARN);
  }

  @Test
  void aConfigurationFileOnTheCommandLineIsLeftToLogback() {
    System.setProperty(ServerLogging.CONFIGURATION_FILE_PROPERTY, "/etc/my-logback.xml");
    ServerLogging logging = new ServerLogging();
    logging.setContext(context);

    assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders()).isExhausted();
  }
}
