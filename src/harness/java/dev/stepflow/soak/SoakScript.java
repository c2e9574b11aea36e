package dev.stepflow.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The params of one {@code Scripted} instance of the soak and what it does when left alone: which
 * do steps run how many attempts, and whether it ends complete or errored. Three kinds, all short
 * enough to finish within a round or two:
 *
 * <ul>
 *   <li>{@code steps}: 2 to 4 do steps of 5 to 120 ms, a sleep, maybe one step that fails once and
 *       is retried after a real backoff, maybe rollback handlers; ends complete;
 *   <li>{@code event}: a step, a waitForEvent of type {@code go} whose timeout is caught, a step;
 *       ends complete whether or not an event came;
 *   <li>{@code errors}: a step with a rollback handler, a step that fails every attempt (one
 *       retry), a step that must never run; ends errored after compensating both;
 *   <li>{@code parallel}: a step, then 2 to 5 branches of one {@code step.all} (Scripted's {@code
 *       parallel} element) of 20 to 300 ms, maybe one that fails once and is retried after a real
 *       backoff, then a step; ends complete.
 * </ul>
 */
record SoakScript(String kind, ObjectNode params, List<DoStep> doSteps, boolean errors) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A do step by display name ({@code s0-1}): the attempts it makes when left alone (0: it never
   * runs), whether its last attempt fails, whether it has a rollback handler.
   */
  record DoStep(String step, int attempts, boolean fails, boolean hasRollback) {}

  boolean waitsForEvent() {
    return kind.equals("event");
  }

  /** The rollback handlers that run when the instance fails: those of the steps that started. */
  List<String> rollbacksOnFailure() {
    return doSteps.stream()
        .filter(s -> s.attempts() > 0 && s.hasRollback())
        .map(DoStep::step)
        .toList();
  }

  static SoakScript random(Random random) {
    return switch (random.nextInt(10)) {
      case 0, 1, 2 -> event(random);
      case 3, 4 -> errors(random);
      case 5 -> parallel(random);
      default -> steps(random);
    };
  }

  private static SoakScript steps(Random random) {
    ArrayNode steps = JSON.createArrayNode();
    List<DoStep> doSteps = new ArrayList<>();
    int count = 2 + random.nextInt(3);
    int retried = random.nextBoolean() ? random.nextInt(count) : -1;
    for (int k = 0; k < count; k++) {
      ObjectNode step = steps.addObject().put("do", "s" + k).put("ms", 5 + random.nextInt(116));
      boolean rollback = random.nextInt(3) == 0;
      if (rollback) {
        step.putObject("rollback").put("ms", 5);
      }
      if (k == retried) {
        step.put("fail", 1);
        retries(step, 1 + random.nextInt(2), 30 + random.nextInt(300));
      }
      doSteps.add(new DoStep("s" + k + "-1", k == retried ? 2 : 1, false, rollback));
      if (k == 0) {
        steps.addObject().put("sleep", "nap").put("ms", 50 + random.nextInt(400));
      }
    }
    return new SoakScript("steps", params(steps), doSteps, false);
  }

  private static SoakScript event(Random random) {
    ArrayNode steps = JSON.createArrayNode();
    steps.addObject().put("do", "before").put("ms", 10 + random.nextInt(50));
    steps
        .addObject()
        .put("waitForEvent", "w")
        .put("type", "go")
        .put("timeout_ms", 500 + random.nextInt(2000))
        .put("catch", true);
    steps.addObject().put("do", "after").put("ms", 10 + random.nextInt(50));
    return new SoakScript(
        "event",
        params(steps),
        List.of(new DoStep("before-1", 1, false, false), new DoStep("after-1", 1, false, false)),
        false);
  }

  private static SoakScript errors(Random random) {
    ArrayNode steps = JSON.createArrayNode();
    steps
        .addObject()
        .put("do", "a")
        .put("ms", 10 + random.nextInt(50))
        .putObject("rollback")
        .put("ms", 5);
    ObjectNode bad = steps.addObject().put("do", "bad").put("ms", 10).put("fail", true);
    retries(bad, 1, 30 + random.nextInt(200));
    bad.putObject("rollback").put("ms", 5);
    steps.addObject().put("do", "never").put("ms", 10);
    return new SoakScript(
        "errors",
        params(steps),
        List.of(
            new DoStep("a-1", 1, false, true),
            new DoStep("bad-1", 2, true, true),
            new DoStep("never-1", 0, false, false)),
        true);
  }

  private static SoakScript parallel(Random random) {
    ArrayNode steps = JSON.createArrayNode();
    List<DoStep> doSteps = new ArrayList<>();
    steps.addObject().put("do", "p").put("ms", 5 + random.nextInt(50));
    doSteps.add(new DoStep("p-1", 1, false, false));
    ArrayNode branches = steps.addObject().putArray("parallel");
    int count = 2 + random.nextInt(4);
    int retried = random.nextBoolean() ? random.nextInt(count) : -1;
    for (int k = 0; k < count; k++) {
      ObjectNode branch =
          branches.addObject().put("do", "b" + k).put("ms", 20 + random.nextInt(281));
      if (k == retried) {
        branch.put("fail", 1);
        retries(branch, 1, 30 + random.nextInt(300));
      }
      doSteps.add(new DoStep("b" + k + "-1", k == retried ? 2 : 1, false, false));
    }
    steps.addObject().put("do", "after").put("ms", 5 + random.nextInt(50));
    doSteps.add(new DoStep("after-1", 1, false, false));
    return new SoakScript("parallel", params(steps), doSteps, false);
  }

  private static void retries(ObjectNode step, int limit, int delayMs) {
    step.putObject("retries").put("limit", limit).put("delay", delayMs).put("backoff", "constant");
  }

  private static ObjectNode params(ArrayNode steps) {
    ObjectNode params = JSON.createObjectNode();
    params.set("steps", steps);
    return params;
  }
}
