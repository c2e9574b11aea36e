package dev.stepflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ApiPathTest {

  @Test
  void unreservedCharactersStayAsTheyAre() {
    assertThat(ApiPath.encode("order-1_a.b~C9")).isEqualTo("order-1_a.b~C9");
  }

  @Test
  void cronInstanceIdBecomesOneSegment() {
    assertThat(ApiPath.encode("*/30 * * * *-1786001400000"))
        .isEqualTo("%2A%2F30%20%2A%20%2A%20%2A%20%2A-1786001400000");
  }

  @Test
  void percentPlusAndNonAsciiAreEncodedAsUtf8Bytes() {
    assertThat(ApiPath.encode("50%+ü#?&=")).isEqualTo("50%25%2B%C3%BC%23%3F%26%3D");
  }

  @Test
  void pathJoinsSegmentsAndQueryValues() {
    String path =
        ApiPath.account("acc 1")
            .literal("workflows")
            .segment("w")
            .query("name", "a&b=c")
            .query("attempt", null)
            .query("per_page", 2)
            .toString();

    assertThat(path).isEqualTo("/accounts/acc%201/workflows/w?name=a%26b%3Dc&per_page=2");
    assertThat(URI.create("http://h/client/v4" + path).getRawPath())
        .isEqualTo("/client/v4/accounts/acc%201/workflows/w");
  }

  @Test
  void emptySegmentIsRefused() {
    assertThatThrownBy(() -> ApiPath.account("a").segment(""))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
