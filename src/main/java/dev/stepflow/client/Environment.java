package dev.stepflow.client;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the client settings from environment variables with wrangler's names: the current name
 * first, then the deprecated {@code CF_} name wrangler still honours. An empty value counts as
 * missing.
 */
final class Environment {
  static final String BASE_URL = "CLOUDFLARE_API_BASE_URL";
  static final String API_TOKEN = "CLOUDFLARE_API_TOKEN";
  static final String ACCOUNT_ID = "CLOUDFLARE_ACCOUNT_ID";

  private static final Map<String, String> DEPRECATED =
      Map.of(
          BASE_URL, "CF_API_BASE_URL",
          API_TOKEN, "CF_API_TOKEN",
          ACCOUNT_ID, "CF_ACCOUNT_ID");

  private final Map<String, String> variables;

  Environment(Map<String, String> variables) {
    this.variables = Map.copyOf(withoutNulls(variables));
  }

  /** A builder with the base URL, token and account of these variables. */
  StepflowClientBuilder toBuilder() {
    return StepflowClient.builder()
        .baseUrl(require(BASE_URL))
        .apiToken(require(API_TOKEN))
        .accountId(require(ACCOUNT_ID));
  }

  /**
   * The value of {@code name}, or of its deprecated name; throws naming both when neither is set.
   */
  String require(String name) {
    for (String candidate : List.of(name, DEPRECATED.get(name))) {
      String value = variables.get(candidate);
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    throw new IllegalStateException(
        "environment variable "
            + name
            + " is not set (nor its old name "
            + DEPRECATED.get(name)
            + "); the client needs "
            + String.join(", ", BASE_URL, API_TOKEN, ACCOUNT_ID)
            + ", as wrangler does");
  }

  private static Map<String, String> withoutNulls(Map<String, String> variables) {
    return variables.entrySet().stream()
        .filter(e -> e.getKey() != null && e.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
