package com.example.host;

import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import java.time.Duration;
import java.util.Map;

/** The application's workflow: a greeting, a short durable sleep, a second step. */
public final class Greeting implements Workflow {
  @Override
  public Object run(WorkflowEvent event, Step step) {
    String name = event.params().path("name").asText("world");
    String text = step.run("compose", ctx -> "hello " + name).asText();
    step.sleep("breathe", Duration.ofMillis(200));
    return step.run("sign", ctx -> Map.of("text", text, "signed", "host-app"));
  }
}
