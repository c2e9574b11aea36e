package dev.stepflow.web;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fuzzer must be able to draw a whole run from any seed, or FramingFuzzIT fails by chance. */
class FramingGeneratorTest {

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 20, 4242, -7_311_901_557_412_339_001L})
  void drawsTwoThousandRequestsFromAnySeed(long seed) {
    FramingGenerator generator =
        new FramingGenerator(new Random(seed), "token", "/client/v4/accounts/a/workflows");
    assertThatCode(
            () -> {
              for (int i = 0; i < 2_000; i++) {
                generator.next(i);
              }
            })
        .doesNotThrowAnyException();
  }
}
