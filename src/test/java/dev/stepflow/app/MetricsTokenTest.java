package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scrape token of --metrics-token-file: its first line, compared exactly. */
class MetricsTokenTest {
  private static final String SECRET = "0123456789abcdef0123";

  @TempDir Path dir;

  @Test
  void withoutAFileEveryScrapeIsAccepted() {
    MetricsToken token = MetricsToken.read(null);

    assertThat(token.accepts(null)).isTrue();
    assertThat(token.accepts("Bearer anything")).isTrue();
  }

  @Test
  void withAFileOnlyItsFirstLineAsABearerTokenIsAccepted() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), SECRET + "\nsecond line\n");
    MetricsToken token = MetricsToken.read(file);

    assertThat(token.accepts("Bearer " + SECRET)).isTrue();
    assertThat(token.accepts("bearer " + SECRET)).isTrue();
    assertThat(token.accepts(null)).isFalse();
    assertThat(token.accepts(SECRET)).isFalse();
    assertThat(token.accepts("Bearer " + SECRET + "x")).isFalse();
    assertThat(token.accepts("Bearer second line")).isFalse();
    assertThat(token.accepts("Basic " + SECRET)).isFalse();
  }

  @Test
  void aShortTokenOrAMissingFileFailsTheStartWithTheOptionsName() throws IOException {
    Path shortToken = Files.writeString(dir.resolve("short"), "abc\n");

    assertThatThrownBy(() -> MetricsToken.read(shortToken))
        .isInstanceOf(StartFailure.class)
        .hasMessageContaining("--metrics-token-file")
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> MetricsToken.read(dir.resolve("missing")))
        .isInstanceOf(StartFailure.class)
        .hasMessageContaining("Cannot read --metrics-token-file");
  }
}
