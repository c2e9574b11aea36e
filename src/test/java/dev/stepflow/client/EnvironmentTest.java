package dev.stepflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
  private static final Map<String, String> WRANGLER =
      Map.of(
          "CLOUDFLARE_API_BASE_URL", "http://127.0.0.1:8787/client/v4/",
          "CLOUDFLARE_API_TOKEN", "t0ken",
          "CLOUDFLARE_ACCOUNT_ID", "acc1");

  @Test
  void wranglerVariablesConfigureTheClient() {
    try (StepflowClient client = StepflowClient.fromEnvironment(WRANGLER)) {
      assertThat(client.baseUrl()).hasToString("http://127.0.0.1:8787/client/v4");
      assertThat(client.accountId()).isEqualTo("acc1");
      assertThat(client.toString()).doesNotContain("t0ken");
    }
  }

  @Test
  void missingVariableIsNamed() {
    Map<String, String> env =
        Map.of("CLOUDFLARE_API_BASE_URL", "http://h/client/v4", "CLOUDFLARE_ACCOUNT_ID", "a");

    assertThatThrownBy(() -> StepflowClient.fromEnvironment(env))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CLOUDFLARE_API_TOKEN");
  }

  @Test
  void emptyVariableCountsAsMissing() {
    Map<String, String> env = new HashMap<>(WRANGLER);
    env.put("CLOUDFLARE_ACCOUNT_ID", " ");

    assertThatThrownBy(() -> new Environment(env).require("CLOUDFLARE_ACCOUNT_ID"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("environment variable CLOUDFLARE_ACCOUNT_ID is not set");
  }

  @Test
  void oldWranglerNamesAreHonoured() {
    Map<String, String> env =
        Map.of("CF_API_BASE_URL", "http://h/client/v4", "CF_API_TOKEN", "t", "CF_ACCOUNT_ID", "a");

    assertThat(new Environment(env).require("CLOUDFLARE_API_BASE_URL"))
        .isEqualTo("http://h/client/v4");
  }

  @Test
  void currentNameWinsOverOldName() {
    Map<String, String> env = Map.of("CLOUDFLARE_ACCOUNT_ID", "new", "CF_ACCOUNT_ID", "old");

    assertThat(new Environment(env).require("CLOUDFLARE_ACCOUNT_ID")).isEqualTo("new");
  }

  @Test
  void baseUrlMustBeAbsoluteHttp() {
    Map<String, String> env = new HashMap<>(WRANGLER);
    env.put("CLOUDFLARE_API_BASE_URL", "127.0.0.1:8787/client/v4");

    assertThatThrownBy(() -> StepflowClient.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute http or https URL");
  }
}
