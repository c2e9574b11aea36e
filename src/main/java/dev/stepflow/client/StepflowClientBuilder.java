package dev.stepflow.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Configures a {@link StepflowClient}. Base URL, API token and account id are required; {@link
 * #build()} names the first one missing.
 */
public final class StepflowClientBuilder {
  private URI baseUrl;
  private String apiToken;
  private String accountId;
  private Duration timeout = Duration.ofSeconds(60);
  private HttpClient httpClient;

  StepflowClientBuilder() {}

  /**
   * The API's base URL including {@code /client/v4}, e.g. {@code http://127.0.0.1:8787/client/v4};
   * a trailing slash is ignored.
   */
  public StepflowClientBuilder baseUrl(String value) {
    try {
      return baseUrl(URI.create(value));
    } catch (IllegalArgumentException e) {
      throw notABaseUrl(value);
    }
  }

  /** As {@link #baseUrl(String)}. */
  public StepflowClientBuilder baseUrl(URI value) {
    String scheme = value.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)
        || value.getHost() == null) {
      throw notABaseUrl(value);
    }
    String text = value.toString();
    this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    return this;
  }

  private static IllegalArgumentException notABaseUrl(Object value) {
    return new IllegalArgumentException(
        "the base URL must be an absolute http or https URL such as"
            + " http://127.0.0.1:8787/client/v4, not "
            + value);
  }

  /** The API token, sent as {@code Authorization: Bearer <token>}. */
  public StepflowClientBuilder apiToken(String value) {
    this.apiToken = value;
    return this;
  }

  /** The account every request is made for. */
  public StepflowClientBuilder accountId(String value) {
    this.accountId = value;
    return this;
  }

  /** How long one request may take, from sending to the whole answer; 60 s by default. */
  public StepflowClientBuilder timeout(Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("the timeout must be positive, not " + value);
    }
    this.timeout = value;
    return this;
  }

  /**
   * Sends with {@code value} (a proxy, an SSL context that trusts a private CA) instead of a client
   * of its own; {@link StepflowClient#close()} then leaves it open.
   */
  public StepflowClientBuilder httpClient(HttpClient value) {
    this.httpClient = value;
    return this;
  }

  /**
   * A client with these settings.
   *
   * @throws IllegalStateException when the base URL, the token or the account is missing
   */
  public StepflowClient build() {
    require(baseUrl, "baseUrl");
    require(apiToken, "apiToken");
    require(accountId, "accountId");
    boolean owns = httpClient == null;
    HttpClient http = owns ? HttpClient.newBuilder().connectTimeout(timeout).build() : httpClient;
    Transport transport =
        new Transport(http, owns, baseUrl.toString(), apiToken, timeout, StepflowClient.JSON);
    return new StepflowClient(transport, baseUrl, accountId);
  }

  private static void require(Object value, String name) {
    if (value == null || value.toString().isBlank()) {
      throw new IllegalStateException("StepflowClient.builder(): " + name + " is not set");
    }
  }
}
