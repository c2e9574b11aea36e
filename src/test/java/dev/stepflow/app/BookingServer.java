package dev.stepflow.app;

import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import dev.stepflow.workflow.builtin.EffectLog;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * An application that embeds Stepflow, run as a process of its own by {@link
 * UnknownWorkflowClassIT}: it serves the data folder of its one argument with the built-in
 * workflows, plus the class {@value #BOOKING} when {@code -Dbooking.registered=true}. Step
 * "confirm" takes {@code -Dbooking.confirm.ms} milliseconds.
 */
public final class BookingServer {
  static final String BOOKING = "Booking";

  /** Reserves (a fresh id each time it really runs), then confirms. */
  static final class Booking implements Workflow {
    @Override
    public Object run(WorkflowEvent event, Step step) {
      String reservation = step.run("reserve", context -> UUID.randomUUID().toString()).asText();
      String confirmation =
          step.run(
                  "confirm",
                  context -> {
                    Thread.sleep(Long.getLong("booking.confirm.ms", 10));
                    return "confirmed";
                  })
              .asText();
      return Map.of("reservation", reservation, "confirmation", confirmation);
    }
  }

  private BookingServer() {}

  public static void main(String[] args) throws InterruptedException {
    WorkflowRegistry registry = StepflowServer.builtInWorkflows(EffectLog.NONE);
    if (Boolean.getBoolean("booking.registered")) {
      registry.register(BOOKING, Booking::new);
    }
    StepflowServer server =
        StepflowServer.start(
            Config.of("127.0.0.1", 0, Path.of(args[0]), Durability.PROCESS_CRASH), registry);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("Stepflow is serving " + server.baseUrl());
    System.out.flush();
    Thread.currentThread().join();
  }
}
