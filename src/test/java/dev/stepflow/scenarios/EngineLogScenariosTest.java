package dev.stepflow.scenarios;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.ERRORED;
import static dev.stepflow.testing.StepProbe.NO_RETRIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.StepConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * What the engine logs about instances: a WARN per failed step attempt, one ERROR per failed
 * instance naming the step, its attempt and the cause's stack trace, the rollback's outcome, and a
 * recovery summary at start. The stack trace of a step's last failure is kept with the step.
 */
class EngineLogScenariosTest {
  @RegisterExtension final EngineHarness engine = EngineHarness.create();
  private final StepProbe probe = new StepProbe();
  private final Logger runtime = (Logger) LoggerFactory.getLogger("dev.stepflow.engine.runtime");
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void listen() {
    logged.start();
    runtime.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    runtime.detachAppender(logged);
  }

  private List<String> lines(Level level) {
    return logged.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void everyFailedAttemptIsAWarningAndARetriedStepThatSucceedsIsNoError() {
    StepConfig twoRetries =
        StepConfig.DEFAULT.withRetries(2, Duration.ofMinutes(1), Backoff.CONSTANT);
    InstanceRef ref =
        engine.start(
            engine.define(
                "flaky",
                (event, step) ->
                    step.run(
                        "charge",
                        twoRetries,
                        context -> {
                          if (context.attempt() < 3) {
                            throw new IllegalStateException("gateway busy " + context.attempt());
                          }
                          return "paid";
                        })),
            "f1");
    for (int failed = 1; failed <= 2; failed++) {
      int warnings = failed;
      await()
          .atMost(EngineHarness.AWAIT_LIMIT)
          .until(
              () ->
                  lines(Level.WARN).stream().filter(l -> l.contains("charge-1")).count()
                      == warnings);
      engine.awaitStatus(ref, dev.stepflow.domain.Status.WAITING);
      engine.advance(Duration.ofMinutes(1));
    }
    engine.awaitStatus(ref, COMPLETE);

    assertThat(lines(Level.WARN))
        .filteredOn(line -> line.contains("charge-1"))
        .containsExactly(
            "Step 'charge-1' of "
                + ref
                + " failed attempt 1: IllegalStateException: gateway busy 1;"
                + " the next attempt follows in PT1M",
            "Step 'charge-1' of "
                + ref
                + " failed attempt 2: IllegalStateException: gateway busy 2;"
                + " the next attempt follows in PT1M");
    assertThat(lines(Level.ERROR)).isEmpty();
  }

  @Test
  void aFailedInstanceIsOneErrorWithItsStepAttemptAndCauseAndTheStackIsKeptWithTheStep() {
    InstanceRef ref =
        engine.start(
            engine.define(
                "declined",
                (event, step) ->
                    step.run("charge", NO_RETRIES, probe.failsForGood("charge", "card declined"))),
            "d1");
    engine.awaitStatus(ref, ERRORED);
    // the line follows the move to errored
    await().atMost(EngineHarness.AWAIT_LIMIT).until(() -> !lines(Level.ERROR).isEmpty());

    List<ILoggingEvent> errors =
        logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.getFirst().getFormattedMessage())
        .isEqualTo(
            "The "
                + ref
                + " failed: step 'charge-1' failed for good at attempt 1: NonRetryableError: card"
                + " declined; it is errored");
    assertThat(errors.getFirst().getThrowableProxy().getClassName())
        .as("the cause's stack trace")
        .isEqualTo("dev.stepflow.workflow.NonRetryableException");
    assertThat(engine.step(ref, "do", "charge-1").errorStack())
        .startsWith("dev.stepflow.workflow.NonRetryableException: card declined")
        .contains("at dev.stepflow.testing.StepProbe");
  }

  @Test
  void aRollbackLogsItsOutcome() {
    InstanceRef ref =
        engine.start(
            engine.define(
                "compensated",
                (event, step) -> {
                  step.run(
                      "hold",
                      NO_RETRIES,
                      probe.returns("hold", "H"),
                      probe.rollback("hold"),
                      NO_RETRIES);
                  return step.run("charge", NO_RETRIES, probe.failsForGood("charge", "declined"));
                }),
            "c1");
    engine.awaitStatus(ref, ERRORED);

    assertThat(lines(Level.ERROR)).singleElement().asString().endsWith("its rollback handlers run");
    assertThat(lines(Level.INFO)).contains("Rollback of " + ref + " complete: every handler ran");
  }

  @Test
  void aStartAfterACrashSummarisesWhatItRecovered() {
    InstanceRef ref =
        engine.start(
            engine.define(
                "sleeper",
                (event, step) -> {
                  step.sleep("nap", Duration.ofHours(1));
                  return "done";
                }),
            "s1");
    engine.awaitStatus(ref, dev.stepflow.domain.Status.WAITING);
    logged.list.clear();

    // the nap ends while no process runs: the old one cannot fire it (nor finish the instance)
    engine.restartProcessAfter(Duration.ofHours(2));

    assertThat(lines(Level.INFO))
        .filteredOn(line -> line.startsWith("Recovery: "))
        .singleElement()
        .asString()
        .matches(
            "Recovery: took over 0 runs in progress, .*; 1 timers came due while no node ran"
                + " them and fire now");
    engine.awaitStatus(ref, COMPLETE);
  }
}
