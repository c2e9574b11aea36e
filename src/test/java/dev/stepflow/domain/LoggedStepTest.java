package dev.stepflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The preview a step keeps of its output, and the log's cut of it, count characters. */
class LoggedStepTest {
  private static StepRecord withOutput(String json) {
    return StepRecord.running(0, StepKind.DO, "s", 1, Instant.EPOCH, "{}", false)
        .completed(Instant.EPOCH, json, "[]");
  }

  @Test
  void aPreviewKeepsOneCharacterMoreThanTheLogShows() {
    assertThat(LoggedStep.previewOf("x".repeat(5_000))).hasSize(1025);
    assertThat(LoggedStep.previewOf("x".repeat(1025))).hasSize(1025);
    assertThat(LoggedStep.previewOf(null)).isNull();
  }

  @Test
  void anOutputOfAtMost1024CharactersIsShownWhole() {
    LoggedStep logged = LoggedStep.ofPreview(withOutput("y".repeat(1024)));
    assertThat(logged.outputCut()).isFalse();
    assertThat(logged.step().outputJson()).hasSize(1024);
  }

  @Test
  void aLongerOneIsCutTo1024Characters() {
    LoggedStep logged = LoggedStep.ofPreview(withOutput(LoggedStep.previewOf("z".repeat(9_999))));
    assertThat(logged.outputCut()).isTrue();
    assertThat(logged.step().outputJson()).hasSize(1024);
  }

  @Test
  void charactersOutsideTheBasicPlaneAreNeverSplit() {
    String emoji = "\uD83D\uDE00"; // one character, two Java chars
    String output = emoji.repeat(2_000);
    String preview = LoggedStep.previewOf(output);
    assertThat(preview.codePointCount(0, preview.length())).isEqualTo(1025);
    LoggedStep logged = LoggedStep.ofPreview(withOutput(preview));
    assertThat(logged.outputCut()).isTrue();
    assertThat(logged.step().outputJson()).isEqualTo(emoji.repeat(1024));
  }
}
