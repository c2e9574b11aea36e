package dev.stepflow.domain;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreconditionTest {
  private static CurrentStatus instance(Status status, long seq, long version) {
    return new CurrentStatus(
        new InstanceRef("a", "w", "i"),
        seq,
        status,
        version,
        Instant.parse("2026-12-01T00:00:00Z"));
  }

  @Test
  void noConditionHoldsForEveryInstance() {
    assertThatCode(() -> Precondition.NONE.check(instance(Status.RUNNING, 1, 1)))
        .doesNotThrowAnyException();
  }

  @Test
  void theEtagNamesTheInstanceAndItsStatusVersion() {
    CurrentStatus running = instance(Status.RUNNING, 17, 4);

    assertThatCode(() -> new Precondition(List.of("\"17.4\""), Set.of()).check(running))
        .doesNotThrowAnyException();
    assertThatCode(() -> new Precondition(List.of("*"), Set.of()).check(running))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> new Precondition(List.of("\"17.3\""), Set.of()).check(running))
        .isInstanceOf(PreconditionFailed.class)
        .hasMessageContaining("has ETag \"17.4\"");
    assertThatThrownBy(() -> new Precondition(List.of("\"18.4\""), Set.of()).check(running))
        .isInstanceOf(PreconditionFailed.class);
  }

  @Test
  void aStatusListHoldsOnlyForItsStatuses() {
    Precondition whileRunning = new Precondition(List.of(), Set.of(Status.RUNNING, Status.WAITING));

    assertThatCode(() -> whileRunning.check(instance(Status.WAITING, 1, 1)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> whileRunning.check(instance(Status.PAUSED, 1, 1)))
        .isInstanceOfSatisfying(
            PreconditionFailed.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.currentStatus())
                  .isEqualTo(Status.PAUSED);
              org.assertj.core.api.Assertions.assertThat(e.currentEtag()).isEqualTo("\"1.1\"");
            });
  }
}
