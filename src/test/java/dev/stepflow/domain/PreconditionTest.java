package dev.stepflow.domain;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreconditionTest {
  private static Instance instance(Status status, long seq, long version) {
    Instant t = Instant.parse("2026-12-01T00:00:00Z");
    return new Instance(
        new InstanceRef("a", "w", "i"),
        seq,
        status,
        "wf",
        "v",
        null,
        "api",
        t,
        t,
        t,
        null,
        null,
        t,
        null,
        null,
        null,
        null,
        null,
        null,
        version,
        null);
  }

  @Test
  void noConditionHoldsForEveryInstance() {
    assertThatCode(() -> Precondition.NONE.check(instance(Status.RUNNING, 1, 1)))
        .doesNotThrowAnyException();
  }

  @Test
  void theEtagNamesTheInstanceAndItsStatusVersion() {
    Instance running = instance(Status.RUNNING, 17, 4);

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
