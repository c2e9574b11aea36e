package dev.stepflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
  @Test
  void aWellFormedIdOfTheCallerIsKept() {
    assertThat(RequestIds.idFor(List.of("trace-1.a:b_c"))).isEqualTo("trace-1.a:b_c");
  }

  @Test
  void aMissingMalformedOrRepeatedIdIsReplacedByAUuid() {
    String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    assertThat(RequestIds.idFor(List.of())).matches(uuid);
    assertThat(RequestIds.idFor(List.of("a b"))).matches(uuid);
    assertThat(RequestIds.idFor(List.of("\"quoted\""))).matches(uuid);
    assertThat(RequestIds.idFor(List.of("x".repeat(129)))).matches(uuid);
    assertThat(RequestIds.idFor(List.of("one", "two"))).matches(uuid);
  }
}
