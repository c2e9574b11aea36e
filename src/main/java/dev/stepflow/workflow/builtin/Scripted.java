package dev.stepflow.workflow.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.domain.Limits;
import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.Branch;
import dev.stepflow.workflow.NonRetryableException;
import dev.stepflow.workflow.Rollback;
import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.StepConfig;
import dev.stepflow.workflow.WaitTimeoutException;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A workflow whose steps are described by the instance's params, for demos and for testing clients
 * against real instance behaviour without writing Java:
 *
 * <pre>{"steps": [
 *   {"do": "charge", "ms": 200, "fail": 2, "nonRetryable": false, "output": {...},
 *    "retries": {"limit": 3, "delay": 100, "backoff": "constant"}, "timeout_ms": 5000,
 *    "rollback": {"ms": 50, "fail": 0, "retries": {...}}},
 *   {"sleep": "cool-off", "ms": 1000},
 *   {"sleepUntil": "deadline", "at": "2026-12-01T00:00:00Z"},
 *   {"waitForEvent": "approval", "type": "approved", "timeout_ms": 60000, "catch": false},
 *   {"parallel": [{"do": "email", "ms": 1000}, {"do": "sms", "ms": 1000}]} ]}</pre>
 *
 * A {@code parallel} element runs its do steps as the branches of one {@code step.all} (at once,
 * each checkpointed on its own). Instances created without params (a cron tick's) run no step.
 * {@code "output_bytes": N} makes a step return {@code {"blob": "xxx..."}} with N characters (to
 * test the result and state limits); N is checked before anything is allocated: 0 to {@link
 * #MAX_OUTPUT_BYTES}, else the instance fails at that step, which never runs. {@code fail: N} makes
 * the first N attempts throw ({@code true}: every attempt). The output is an object of the step
 * outputs by {@code name-count}. Every attempt and handler call is reported to the {@link
 * EffectLog}, so tests can prove what ran how often.
 */
public final class Scripted implements Workflow {
  public static final String CLASS_NAME = "Scripted";

  /**
   * The largest {@code output_bytes}: twice the step result limit, so that the limit itself can be
   * tried, and small enough that no script makes the server allocate what it cannot hold.
   */
  public static final int MAX_OUTPUT_BYTES = 2 * Limits.MAX_PAYLOAD_BYTES;

  private final EffectLog effects;

  public Scripted(EffectLog effects) {
    this.effects = effects;
  }

  @Override
  public Object run(WorkflowEvent event, Step step) throws Exception {
    ObjectNode outputs = JsonNodeFactory.instance.objectNode();
    JsonNode steps = event.params() == null ? null : event.params().get("steps");
    if (steps == null || !steps.isArray()) {
      return outputs;
    }
    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    for (JsonNode spec : steps) {
      String kind =
          spec.has("do")
              ? "do"
              : spec.has("sleep")
                  ? "sleep"
                  : spec.has("sleepUntil")
                      ? "sleepUntil"
                      : spec.has("waitForEvent")
                          ? "waitForEvent"
                          : spec.has("parallel") ? "parallel" : "";
      if (kind.equals("parallel")) {
        parallel(event, step, spec.get("parallel"), counts, outputs);
        continue;
      }
      String name = spec.path(kind).asText();
      String key = name + "-" + counts.merge(kind + ":" + name, 1, Integer::sum);
      switch (kind) {
        case "do" -> outputs.set(key, doStep(event, step, spec, name));
        case "sleep" -> step.sleep(name, Duration.ofMillis(spec.path("ms").asLong()));
        case "sleepUntil" ->
            step.sleepUntil(name, java.time.Instant.parse(spec.path("at").asText()));
        case "waitForEvent" -> outputs.set(key, waitForEvent(step, spec, name));
        default -> throw new NonRetryableException("Unknown Scripted step: " + spec);
      }
    }
    return outputs;
  }

  /**
   * With {@code "catch": true} a timeout is caught and recorded in the output instead of failing.
   */
  private static JsonNode waitForEvent(Step step, JsonNode spec, String name) {
    Duration timeout =
        Duration.ofMillis(spec.path("timeout_ms").asLong(Duration.ofHours(24).toMillis()));
    try {
      return step.waitForEvent(name, spec.path("type").asText(name), timeout);
    } catch (WaitTimeoutException e) {
      if (!spec.path("catch").asBoolean(false)) {
        throw e;
      }
      return JsonNodeFactory.instance.objectNode().put("timedOut", e.getMessage());
    }
  }

  private JsonNode doStep(WorkflowEvent event, Step step, JsonNode spec, String name) {
    Branch branch = branch(event, spec, name);
    return step.run(name, branch.config(), branch.fn(), branch.rollback(), branch.rollbackConfig());
  }

  /**
   * A {@code {"parallel": [step, ...]}} element: its do steps run as the branches of one {@code
   * step.all}; their outputs join the workflow's under their own names.
   */
  private void parallel(
      WorkflowEvent event,
      Step step,
      JsonNode specs,
      java.util.Map<String, Integer> counts,
      ObjectNode outputs) {
    if (!specs.isArray()) {
      throw new NonRetryableException("Scripted: 'parallel' holds a list of do steps: " + specs);
    }
    List<Branch> branches = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (JsonNode spec : specs) {
      if (!spec.has("do")) {
        throw new NonRetryableException("Scripted: a parallel branch is a do step: " + spec);
      }
      String name = spec.path("do").asText();
      keys.add(name + "-" + counts.merge("do:" + name, 1, Integer::sum));
      branches.add(branch(event, spec, name));
    }
    List<JsonNode> results = step.all(branches);
    for (int i = 0; i < keys.size(); i++) {
      outputs.set(keys.get(i), results.get(i));
    }
  }

  private Branch branch(WorkflowEvent event, JsonNode spec, String name) {
    int outputBytes = outputBytes(spec);
    StepConfig config = config(spec, StepConfig.DEFAULT);
    JsonNode rollbackSpec = spec.get("rollback");
    Rollback rollback =
        rollbackSpec == null
            ? null
            : ctx -> {
              String handler = ctx.name() + "-" + ctx.count();
              effects.record(event.instanceId(), "rollback", handler, ctx.attempt());
              try {
                work(rollbackSpec.path("ms").asLong());
              } finally {
                effects.ended(event.instanceId(), "rollback", handler, ctx.attempt());
              }
              if (fails(rollbackSpec.path("fail"), ctx.attempt())) {
                throw new IllegalStateException("scripted rollback failure of " + ctx.name());
              }
            };
    StepConfig rollbackConfig =
        rollbackSpec == null ? null : config(rollbackSpec, StepConfig.DEFAULT);
    return new Branch(
        name,
        config,
        ctx -> {
          String attempted = ctx.name() + "-" + ctx.count();
          effects.record(event.instanceId(), "do", attempted, ctx.attempt());
          try {
            work(spec.path("ms").asLong());
          } finally {
            effects.ended(event.instanceId(), "do", attempted, ctx.attempt());
          }
          if (fails(spec.path("fail"), ctx.attempt())) {
            String message =
                "scripted failure of " + ctx.name() + " (attempt " + ctx.attempt() + ")";
            if (spec.path("nonRetryable").asBoolean(false)) {
              throw new NonRetryableException(message);
            }
            throw new IllegalStateException(message);
          }
          if (outputBytes >= 0) {
            return JsonNodeFactory.instance.objectNode().put("blob", "x".repeat(outputBytes));
          }
          return spec.has("output")
              ? spec.get("output")
              : JsonNodeFactory.instance
                  .objectNode()
                  .put("step", ctx.name())
                  .put("attempt", ctx.attempt());
        },
        rollback,
        rollbackConfig);
  }

  /** The step's {@code output_bytes}, checked against its bounds; -1 when it has none. */
  private static int outputBytes(JsonNode spec) {
    JsonNode value = spec.get("output_bytes");
    if (value == null) {
      return -1;
    }
    if (!value.canConvertToLong()
        || !value.isIntegralNumber()
        || value.asLong() < 0
        || value.asLong() > MAX_OUTPUT_BYTES) {
      throw new NonRetryableException(
          "Scripted: output_bytes must be a whole number from 0 to "
              + MAX_OUTPUT_BYTES
              + " (twice the step result limit of "
              + Limits.MAX_PAYLOAD_BYTES
              + " bytes); found "
              + (value.isNumber()
                  ? value.asText()
                  : "a " + value.getNodeType().name().toLowerCase(Locale.ROOT))
              + ".");
    }
    return value.asInt();
  }

  private static boolean fails(JsonNode fail, int attempt) {
    return fail.isBoolean() ? fail.asBoolean() : attempt <= fail.asInt(0);
  }

  private static void work(long ms) throws InterruptedException {
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  private static StepConfig config(JsonNode spec, StepConfig base) {
    StepConfig config = base;
    JsonNode retries = spec.get("retries");
    if (retries != null) {
      config =
          config.withRetries(
              retries.path("limit").asInt(base.retryLimit()),
              Duration.ofMillis(retries.path("delay").asLong(base.retryDelay().toMillis())),
              Backoff.valueOf(
                  retries.path("backoff").asText("exponential").toUpperCase(Locale.ROOT)));
    }
    if (spec.has("timeout_ms")) {
      config = config.withTimeout(Duration.ofMillis(spec.get("timeout_ms").asLong()));
    }
    return config;
  }
}
