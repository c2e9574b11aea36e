package dev.stepflow.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChangeOriginTest {
  private static final ChangeOrigin ALICE = new ChangeOrigin("token:a1", "alice", null, "req-1");

  @Test
  void aReasonOfPrintableTextUpToTheCapIsKept() {
    String reason = "Kunde storniert – Bestellung 7 ".repeat(40).substring(0, 1000);

    assertThat(ALICE.withReason(reason).reason()).isEqualTo(reason);
    assertThat(ALICE.withReason(reason).requestId()).isEqualTo("req-1");
  }

  @Test
  void anEmptyReasonIsNone() {
    assertThat(ALICE.withReason("").reason()).isNull();
  }

  @Test
  void aReasonOverTheCapIsInvalid() {
    assertThatThrownBy(() -> ALICE.withReason("x".repeat(1001)))
        .isInstanceOf(WorkflowException.class)
        .hasMessage("The reason is 1001 characters; at most 1000 are allowed.");
  }

  @Test
  void aReasonWithALineBreakIsInvalid() {
    assertThatThrownBy(() -> ALICE.withReason("ok\nFORGED LOG LINE"))
        .isInstanceOf(WorkflowException.class)
        .hasMessageContaining("control character at position 2");
  }
}
