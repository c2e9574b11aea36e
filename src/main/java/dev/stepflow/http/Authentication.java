package dev.stepflow.http;

import dev.stepflow.auth.TokenRegistry;
import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.WorkflowException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;

/**
 * Who is calling: every request under the base path must carry {@code Authorization: Bearer
 * <token>} with a token of the tokens file, or it is refused with 401 (10000) before anything else
 * happens, including routing. Cloudflare's other schemes (X-Auth-Key with X-Auth-Email, user
 * service keys) get a 401 that says only API tokens are supported. The token itself is never logged
 * and never echoed.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class Authentication implements ContainerRequestFilter {
  private static final String BEARER = "bearer ";
  private static final List<String> LEGACY_HEADERS =
      List.of("X-Auth-Key", "X-Auth-Email", "X-Auth-User-Service-Key");

  private final TokenRegistry tokens;

  private Authentication(TokenRegistry tokens) {
    this.tokens = tokens;
  }

  /** Requires a token of {@code tokens} on every request. */
  public static Authentication requiringTokens(TokenRegistry tokens) {
    return new Authentication(tokens);
  }

  /** Lets every request in as {@link Caller#ANONYMOUS}: {@code --insecure-no-auth}. */
  public static Authentication insecure() {
    return new Authentication(null);
  }

  @Override
  public void filter(ContainerRequestContext request) {
    Caller caller = tokens == null ? Caller.ANONYMOUS : identify(request);
    request.setSecurityContext(caller.asSecurityContext(request.getSecurityContext().isSecure()));
  }

  private Caller identify(ContainerRequestContext request) {
    List<String> authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
    if (authorization == null || authorization.isEmpty()) {
      boolean legacy = LEGACY_HEADERS.stream().anyMatch(h -> request.getHeaderString(h) != null);
      throw unauthenticated(
          legacy
              ? "Only API tokens are supported: send 'Authorization: Bearer <API token>' instead of"
                  + " X-Auth-Key / X-Auth-Email or a service key."
              : "This request needs an API token: send 'Authorization: Bearer <API token>'.");
    }
    if (authorization.size() > 1) {
      throw unauthenticated("Send one Authorization header, not " + authorization.size() + ".");
    }
    String value = authorization.getFirst();
    if (value.length() <= BEARER.length()
        || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw unauthenticated(
          "The Authorization header must be 'Bearer <API token>'; other schemes are not"
              + " supported.");
    }
    String secret = value.substring(BEARER.length()).strip();
    return tokens
        .find(secret)
        .map(Caller::new)
        .orElseThrow(() -> unauthenticated("The API token is not valid."));
  }

  private static WorkflowException unauthenticated(String message) {
    return new WorkflowException(ErrorCode.UNAUTHENTICATED, message);
  }
}
