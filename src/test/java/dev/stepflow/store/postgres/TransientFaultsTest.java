package dev.stepflow.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.store.StoreUnavailable;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which database faults are attempted again, and how often. */
class TransientFaultsTest {
  private final TransientFaults faults = new TransientFaults(3, 1);
  private final AtomicInteger calls = new AtomicInteger();

  @Test
  void aDeadlockIsAttemptedAgainUntilTheWorkSucceeds() {
    String result =
        faults.retrying(
            "write",
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new SQLException("deadlock detected", "40P01");
              }
              return "done";
            });
    assertThat(result).isEqualTo("done");
    assertThat(calls).hasValue(3);
  }

  @Test
  void aLostConnectionIsGivenUpAfterTheLastAttemptAsUnavailable() {
    assertThatThrownBy(
            () ->
                faults.retrying(
                    "read",
                    () -> {
                      calls.incrementAndGet();
                      throw new SQLException("connection refused", "08001");
                    }))
        .isInstanceOf(StoreUnavailable.class)
        .hasRootCauseMessage("connection refused");
    assertThat(calls).hasValue(3);
  }

  @Test
  void aConstraintViolationIsNotAttemptedAgain() {
    assertThatThrownBy(
            () ->
                faults.retrying(
                    "write",
                    () -> {
                      calls.incrementAndGet();
                      throw new SQLException("duplicate key", "23505");
                    }))
        .isInstanceOf(StoreUnavailable.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void anOutOfResourcesStateIsTransientButASyntaxErrorIsNot() {
    assertThat(TransientFaults.isTransient(new SQLException("too many connections", "53300")))
        .isTrue();
    assertThat(TransientFaults.isTransient(new SQLException("syntax", "42601"))).isFalse();
    assertThat(TransientFaults.isTransient(new SQLException("no state"))).isFalse();
  }
}
