package dev.stepflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Recorded error messages are cut to 1,024 characters; sizes are counted in UTF-8 bytes. */
class LimitsTest {
  @Test
  void aShortMessageIsKept() {
    assertThat(Limits.cutErrorMessage("card declined")).isEqualTo("card declined");
    assertThat(Limits.cutErrorMessage(null)).isNull();
  }

  @Test
  void aLongMessageIsCutToItsLimitAndMarked() {
    String cut = Limits.cutErrorMessage("m".repeat(5_000));
    assertThat(cut).hasSize(Limits.MAX_ERROR_MESSAGE_CHARS).endsWith(Limits.CUT_MESSAGE_MARK);
    assertThat(Limits.cutErrorMessage(cut)).as("cutting twice changes nothing").isEqualTo(cut);
  }

  @Test
  void theUtf8LengthIsTheEncodedLength() {
    String text = "a\u00e9\u20ac\uD83D\uDE00".repeat(10);
    assertThat(Limits.utf8Length(text))
        .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length)
        .isEqualTo(100);
    assertThat(Limits.utf8Length(null)).isZero();
  }
}
