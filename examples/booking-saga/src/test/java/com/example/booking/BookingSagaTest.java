package com.example.booking;

import static dev.stepflow.api.model.InstanceStatus.COMPLETE;
import static dev.stepflow.api.model.InstanceStatus.ERRORED;
import static dev.stepflow.api.model.InstanceStatus.PAUSED;
import static dev.stepflow.api.model.InstanceStatus.TERMINATED;
import static dev.stepflow.api.model.InstanceStatus.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.testkit.TestRun;
import dev.stepflow.testkit.WorkflowTestKit;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BookingSagaTest {
  private final Travel travel = new Travel();
  private WorkflowTestKit kit;

  @BeforeEach
  void startKit() {
    kit = WorkflowTestKit.builder().register("BookingSaga", () -> new BookingSaga(travel)).start();
  }

  @AfterEach
  void stopKit() {
    kit.close();
  }

  @Test
  void completesTwoWeeksAfterTheTravellerConfirms() {
    long started = System.nanoTime();
    TestRun run = kit.run("BookingSaga", Map.of("traveller", "ada"));
    kit.settle();
    assertThat(run.status()).isEqualTo(WAITING); // for the confirmation

    run.sendEvent("confirmed", Map.of("by", "ada"));
    kit.advance(Duration.ofDays(14));

    run.awaitStatus(COMPLETE);
    System.out.printf("14 days of booking in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    assertThat(run.output().path("confirmed_by").asText()).isEqualTo("ada");
    assertThat(run.steps())
        .containsExactly(
            "reserve-flight-1",
            "reserve-hotel-1",
            "charge-card-1",
            "traveller-confirms-1",
            "until-reminder-1",
            "send-reminder-1");
    assertThat(travel.journal()).last().asString().startsWith("reminder sent");
    assertThat(run.replayWarnings()).isEmpty();
  }

  @Test
  void retriesTheChargeWhileThePaymentProviderIsDown() {
    TestRun run = kit.run("BookingSaga", Map.of("traveller", "bob", "flaky_payments", 2));

    // the backoff doubles: a minute, then two (less the milliseconds the attempts took)
    assertThat(kit.advanceToNextTimer()).isBetween(Duration.ofSeconds(50), Duration.ofMinutes(1));
    assertThat(kit.advanceToNextTimer()).isBetween(Duration.ofSeconds(110), Duration.ofMinutes(2));
    kit.settle();

    assertThat(run.attempts("charge-card")).isEqualTo(3);
    assertThat(run.stepOutput("charge-card").path("euros").asInt()).isEqualTo(420);
    assertThat(run.status()).isEqualTo(WAITING);
  }

  @Test
  void aDeclinedCardCancelsTheHotelThenTheFlight() {
    TestRun run = kit.run("BookingSaga", Map.of("traveller", "cy", "card", "declined"));

    run.awaitStatus(ERRORED);

    assertThat(run.attempts("charge-card")).isEqualTo(1);
    assertThat(run.rollbacks())
        .containsExactly("charge-card-1", "reserve-hotel-1", "reserve-flight-1");
    assertThat(travel.journal())
        .map(line -> line.substring(0, line.lastIndexOf(' ')))
        .containsExactly(
            "flight reserved", "hotel reserved", "hotel cancelled", "flight cancelled");
  }

  @Test
  void terminateWithRollbackUndoesEverythingNewestFirst() {
    TestRun run = kit.run("BookingSaga", Map.of("traveller", "di"));
    kit.settle();

    run.terminateWithRollback().awaitStatus(TERMINATED);

    assertThat(run.rollbacks()).containsExactly("charge-card-1", "reserve-hotel-1", "reserve-flight-1");
    assertThat(travel.journal())
        .map(line -> line.substring(0, line.lastIndexOf(' ')))
        .endsWith("card refunded", "hotel cancelled", "flight cancelled");
  }

  @Test
  void aPausedSleepKeepsTheTimeItHadLeft() {
    TestRun run = kit.run("BookingSaga", Map.of("traveller", "eve"));
    run.sendEvent("confirmed", Map.of("by", "eve"));
    kit.advance(Duration.ofDays(7));

    run.pause().awaitStatus(PAUSED);
    kit.advance(Duration.ofDays(30));
    run.resume();
    kit.advance(Duration.ofDays(6));
    kit.settle();
    assertThat(run.status()).isEqualTo(WAITING); // a day of the sleep is left

    kit.advance(Duration.ofDays(1));
    run.awaitStatus(COMPLETE);
  }

  @Test
  void restartFromTheChargeKeepsTheReservations() {
    TestRun run = kit.run("BookingSaga", Map.of("traveller", "fay"));
    run.sendEvent("confirmed", Map.of("by", "fay"));
    kit.advance(Duration.ofDays(14));
    run.awaitStatus(COMPLETE);
    String flight = run.output().path("flight").asText();
    String payment = run.output().path("payment").asText();

    run.restartFrom("charge-card");
    run.sendEvent("confirmed", Map.of("by", "fay"));
    kit.advance(Duration.ofDays(14));

    run.awaitStatus(COMPLETE);
    assertThat(run.output().path("flight").asText()).isEqualTo(flight);
    assertThat(run.output().path("payment").asText()).isNotEqualTo(payment);
  }
}
