package dev.stepflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.api.model.InstanceStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceQueryTest {

  @Test
  void withersChangeOnlyTheirField() {
    InstanceQuery query =
        InstanceQuery.all()
            .withStatus(InstanceStatus.PAUSED)
            .withPerPage(5)
            .withDirection(InstanceQuery.Direction.DESC);

    InstanceQuery next = query.withCursor("c2");

    assertThat(next)
        .isEqualTo(
            new InstanceQuery(
                InstanceStatus.PAUSED, 5, "c2", InstanceQuery.Direction.DESC, null, null));
    assertThat(query.cursor()).isNull();
  }

  @Test
  void perPageOutsideOneToHundredIsRefused() {
    assertThatThrownBy(() -> InstanceQuery.all().withPerPage(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("101");
  }

  @Test
  void emptyCursorMeansTheLastPage() {
    assertThat(new InstancePage(List.of(), "").hasNext()).isFalse();
    assertThat(new InstancePage(List.of(), null).next()).isEmpty();
    assertThat(new InstancePage(List.of(), "abc").next()).contains("abc");
  }
}
