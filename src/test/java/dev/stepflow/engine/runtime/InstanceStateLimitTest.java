package dev.stepflow.engine.runtime;

import static dev.stepflow.domain.Status.COMPLETE;
import static dev.stepflow.domain.Status.ERRORED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Limits;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.testing.EngineHarness;
import dev.stepflow.testing.StepProbe;
import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.StepConfig;
import dev.stepflow.workflow.StepFailedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The persisted state of an instance (params, step outputs, errors and attempt logs, its output)
 * stays within the engine's limit: the step result, or workflow output, that would pass it fails
 * for good with InstanceStateTooLarge, naming the limit and the option that sets it. Error messages
 * are recorded cut to 1,024 characters.
 */
class InstanceStateLimitTest {
  /** 3 MiB: three results of a million characters fit, a fourth does not. */
  private static final long LIMIT = 3L * 1024 * 1024;

  private static final String MILLION = "x".repeat(1_000_000);

  /** Retries that would show at once (no delay): a refusal must not use them. */
  private static final StepConfig RETRIES =
      StepConfig.DEFAULT.withRetries(3, Duration.ZERO, Backoff.CONSTANT);

  @RegisterExtension final EngineHarness engine = EngineHarness.withMaxInstanceStateBytes(LIMIT);

  private final StepProbe probe = new StepProbe();

  @Test
  void theStepWhoseResultWouldPassTheLimitFailsForGoodAndErrorsTheInstance() {
    WorkflowRef workflow =
        engine.define(
            "fills",
            (event, step) -> {
              for (String name : new String[] {"a", "b", "c", "d", "e"}) {
                step.run(name, RETRIES, probe.returns(name, MILLION));
              }
              return "done";
            });
    InstanceRef ref = engine.start(workflow, "full");

    engine.awaitStatus(ref, ERRORED);
    Instance errored = engine.instance(ref);
    assertThat(errored.errorName()).isEqualTo("InstanceStateTooLarge");
    assertThat(errored.errorMessage())
        .startsWith("Step 'd-1' returned 1000002 bytes, which would bring instance 'full' to ")
        .endsWith("the limit is 3145728 bytes (--max-instance-state-bytes).");
    assertThat(probe.log()).containsExactly("a", "b", "c", "d");
    assertThat(engine.stepSummary(ref))
        .containsExactly("do a-1 complete", "do b-1 complete", "do c-1 complete", "do d-1 errored");
  }

  @Test
  void aRefusedStepIsAStepFailureTheWorkflowMayCatch() {
    WorkflowRef workflow =
        engine.define(
            "catches",
            (event, step) -> {
              for (String name : new String[] {"a", "b", "c"}) {
                step.run(name, probe.returns(name, MILLION));
              }
              try {
                step.run("d", probe.returns("d", MILLION));
                return "kept everything";
              } catch (StepFailedException refused) {
                return refused.errorName();
              }
            });
    InstanceRef ref = engine.start(workflow, "caught");

    engine.awaitStatus(ref, COMPLETE);
    assertThat(engine.output(ref).asText()).isEqualTo("InstanceStateTooLarge");
  }

  /** Without params three results fit (see above); a params of a million characters leaves two. */
  @Test
  void theParamsCountTowardsTheLimit() {
    WorkflowRef workflow =
        engine.define(
            "params",
            (event, step) -> {
              for (String name : new String[] {"a", "b", "c"}) {
                step.run(name, probe.returns(name, MILLION));
              }
              return "done";
            });
    String params = "{\"big\":\"" + "p".repeat(1_000_000) + "\"}";
    InstanceRef ref = engine.start(workflow, "heavy-params", params);

    engine.awaitStatus(ref, ERRORED);
    assertThat(engine.instance(ref).errorMessage())
        .startsWith("Step 'c-1' returned 1000002 bytes, which would bring instance 'heavy-params'");
    assertThat(probe.log()).containsExactly("a", "b", "c");
  }

  @Test
  void theWorkflowOutputThatWouldPassTheLimitFailsTheInstance() {
    WorkflowRef workflow =
        engine.define(
            "output",
            (event, step) -> {
              step.run("a", probe.returns("a", MILLION));
              step.run("b", probe.returns("b", MILLION));
              step.run("c", probe.returns("c", MILLION));
              return "y".repeat(500_000);
            });
    InstanceRef ref = engine.start(workflow, "big-output");

    engine.awaitStatus(ref, ERRORED);
    Instance errored = engine.instance(ref);
    assertThat(errored.errorName()).isEqualTo("InstanceStateTooLarge");
    assertThat(errored.errorMessage())
        .startsWith("The workflow's output of 500002 bytes, which would bring instance");
    assertThat(errored.outputJson()).isNull();
  }

  @Test
  void aWorkflowOutputOverOneMebibyteFailsTheInstanceWhateverTheState() {
    WorkflowRef workflow = engine.define("huge", (event, step) -> "z".repeat(1_100_000));
    InstanceRef ref = engine.start(workflow, "huge-output");

    engine.awaitStatus(ref, ERRORED);
    Instance errored = engine.instance(ref);
    assertThat(errored.errorName()).isEqualTo("WorkflowOutputTooLarge");
    assertThat(errored.errorMessage())
        .isEqualTo("The workflow's output is over the limit of 1048576 bytes of JSON.");
  }

  @Test
  void aLongErrorMessageIsRecordedCutToItsLimit() {
    String message = "e".repeat(5_000);
    WorkflowRef workflow =
        engine.define(
            "shouts",
            (event, step) ->
                step.run("loud", StepProbe.NO_RETRIES, probe.failsForGood("loud", message)));
    InstanceRef ref = engine.start(workflow, "loud");

    engine.awaitStatus(ref, ERRORED);
    String recorded = engine.step(ref, "do", "loud-1").errorMessage();
    assertThat(recorded)
        .hasSize(Limits.MAX_ERROR_MESSAGE_CHARS)
        .startsWith("eeee")
        .endsWith(Limits.CUT_MESSAGE_MARK);
    assertThat(engine.instance(ref).errorMessage()).isEqualTo(recorded);
  }
}
