package com.example.booking;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.workflow.Backoff;
import dev.stepflow.workflow.NonRetryableException;
import dev.stepflow.workflow.Step;
import dev.stepflow.workflow.StepConfig;
import dev.stepflow.workflow.Workflow;
import dev.stepflow.workflow.WorkflowEvent;
import java.time.Duration;
import java.util.Map;

/**
 * A trip booking as a saga: reserve a flight and a hotel, charge the card (retried while the
 * payment provider is flaky), wait up to two days for the traveller to confirm, then sleep two
 * weeks and send a reminder. A failure or a terminate with rollback undoes
 * what was done, newest first: refund, then cancel the hotel, then the flight.
 *
 * <p>Params: {@code {"traveller": "ada", "flaky_payments": 0, "card": "ok", "remind_after": "P14D"}};
 * {@code flaky_payments} is how many charge attempts fail before one succeeds, {@code "card":
 * "declined"} fails the charge for good, {@code remind_after} (ISO-8601) is how long to sleep
 * before the reminder.
 */
public final class BookingSaga implements Workflow {
  static final StepConfig PAYMENT_RETRIES =
      StepConfig.DEFAULT.withRetries(3, Duration.ofMinutes(1), Backoff.EXPONENTIAL);

  private final Travel travel;

  /** The constructor the standalone server uses (serve --workflows). */
  public BookingSaga() {
    this(Travel.SHARED);
  }

  public BookingSaga(Travel travel) {
    this.travel = travel;
  }

  @Override
  public Object run(WorkflowEvent event, Step step) {
    String traveller = event.params().path("traveller").asText("guest");
    int flakyPayments = event.params().path("flaky_payments").asInt(0);
    boolean declined = event.params().path("card").asText("ok").equals("declined");
    Duration untilReminder = Duration.parse(event.params().path("remind_after").asText("P14D"));

    JsonNode flight =
        step.run(
            "reserve-flight",
            StepConfig.DEFAULT,
            ctx -> travel.reserveFlight(traveller),
            undo -> travel.cancelFlight(undo.output().path("flight").asText()),
            StepConfig.DEFAULT);
    JsonNode hotel =
        step.run(
            "reserve-hotel",
            StepConfig.DEFAULT,
            ctx -> travel.reserveHotel(traveller),
            undo -> travel.cancelHotel(undo.output().path("hotel").asText()),
            StepConfig.DEFAULT);
    JsonNode payment =
        step.run(
            "charge-card",
            PAYMENT_RETRIES,
            ctx -> {
              if (declined) {
                throw new NonRetryableException("card declined");
              }
              if (ctx.attempt() <= flakyPayments) {
                throw new IllegalStateException("payment provider unavailable");
              }
              return travel.charge(traveller, 420);
            },
            undo -> {
              // a rollback also runs for the step that failed: then nothing was charged
              if (undo.output() != null) {
                travel.refund(undo.output().path("payment").asText());
              }
            },
            StepConfig.DEFAULT);
    JsonNode confirmation =
        step.waitForEvent("traveller-confirms", "confirmed", Duration.ofDays(2));
    step.sleep("until-reminder", untilReminder);
    step.run("send-reminder", ctx -> travel.remind(traveller));
    return Map.of(
        "flight", flight.path("flight").asText(),
        "hotel", hotel.path("hotel").asText(),
        "payment", payment.path("payment").asText(),
        "confirmed_by", confirmation.path("payload").path("by").asText());
  }
}
