package dev.stepflow.http;

import dev.stepflow.auth.ApiToken;
import dev.stepflow.auth.Permission;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.time.Instant;
import java.util.Set;

/**
 * Who sent a request: the API token it carried, or the anonymous caller of a server started with
 * {@code --insecure-no-auth}. Its name is what status history records as the actor of a change.
 */
public record Caller(ApiToken token) implements Principal {
  static final Caller ANONYMOUS =
      new Caller(
          new ApiToken("anonymous", "anonymous", Set.of(), Permission.EDIT, "", Instant.EPOCH));

  @Override
  public String getName() {
    return this == ANONYMOUS ? "anonymous" : "token:" + token.id();
  }

  /** The token's name, as the history and the audit log show it; null for the anonymous caller. */
  String displayName() {
    return this == ANONYMOUS ? null : token.name();
  }

  /** The caller that {@link Authentication} put on the request. */
  static Caller of(SecurityContext security) {
    return (Caller) security.getUserPrincipal();
  }

  /** Puts this caller on a request. */
  SecurityContext asSecurityContext(boolean secure) {
    Caller caller = this;
    return new SecurityContext() {
      @Override
      public Principal getUserPrincipal() {
        return caller;
      }

      @Override
      public boolean isUserInRole(String role) {
        return token.permission().wireName().equals(role);
      }

      @Override
      public boolean isSecure() {
        return secure;
      }

      @Override
      public String getAuthenticationScheme() {
        return "Bearer";
      }
    };
  }
}
