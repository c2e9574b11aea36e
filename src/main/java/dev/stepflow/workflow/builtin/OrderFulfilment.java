package dev.stepflow.workflow.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.NonRetryableException;
import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.StepConfig;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A realistic example: fulfil an order as a saga. Reserve stock, charge the card, let the warehouse
 * pack (a durable sleep), wait for a human approval event, then ship. Reserve and charge register
 * compensations (release the stock, refund the charge) that run in reverse order if the order fails
 * or is terminated with rollback.
 *
 * <p>Params: {@code {"order_id": "o-1", "sku": "A1", "qty": 2, "amount": 40.0, "pack_ms": 2000,
 * "fail_shipping": false}}. Side effects are simulated and reported to the {@link EffectLog}.
 */
public final class OrderFulfilment implements Workflow {
  public static final String CLASS_NAME = "OrderFulfilment";
  private static final Logger log = LoggerFactory.getLogger(OrderFulfilment.class);
  private static final StepConfig PAYMENTS =
      StepConfig.DEFAULT
          .withRetries(3, Duration.ofMillis(500), Backoff.EXPONENTIAL)
          .withTimeout(Duration.ofSeconds(30));

  private final EffectLog effects;

  public OrderFulfilment(EffectLog effects) {
    this.effects = effects;
  }

  @Override
  public Object run(WorkflowEvent event, Step step) {
    JsonNode order =
        event.params() == null ? JsonNodeFactory.instance.objectNode() : event.params();
    String id = order.path("order_id").asText(event.instanceId());

    JsonNode reservation =
        step.run(
            "reserve-stock",
            StepConfig.DEFAULT,
            ctx -> {
              effect(event, "reserve-stock", ctx.attempt());
              return JsonNodeFactory.instance
                  .objectNode()
                  .put("reservation", "r-" + id)
                  .put("sku", order.path("sku").asText("unknown"))
                  .put("qty", order.path("qty").asInt(1));
            },
            ctx -> effect(event, "release-stock", ctx.attempt()),
            StepConfig.DEFAULT);

    JsonNode charge =
        step.run(
            "charge-card",
            PAYMENTS,
            ctx -> {
              effect(event, "charge-card", ctx.attempt());
              return JsonNodeFactory.instance
                  .objectNode()
                  .put("charge", "ch-" + id)
                  .put("amount", order.path("amount").asDouble(0));
            },
            ctx -> effect(event, "refund-card", ctx.attempt()),
            PAYMENTS);

    step.sleep("packing", Duration.ofMillis(order.path("pack_ms").asLong(2000)));
    JsonNode approval = step.waitForEvent("shipment-approval", "approved", Duration.ofHours(1));

    JsonNode shipment =
        step.run(
            "ship",
            StepConfig.DEFAULT,
            ctx -> {
              effect(event, "ship", ctx.attempt());
              if (order.path("fail_shipping").asBoolean(false)) {
                throw new NonRetryableException("carrier rejected order " + id);
              }
              return JsonNodeFactory.instance.objectNode().put("tracking", "trk-" + id);
            });

    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    summary.set("reservation", reservation);
    summary.set("charge", charge);
    summary.set("approval", approval.path("payload"));
    summary.set("shipment", shipment);
    return summary;
  }

  private void effect(WorkflowEvent event, String what, int attempt) {
    log.info("order {}: {} (attempt {})", event.instanceId(), what, attempt);
    effects.record(event.instanceId(), "do", what, attempt);
  }
}
