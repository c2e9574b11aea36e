package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.TokensApi;
import dev.stepflow.api.model.TokenStatus;
import dev.stepflow.api.model.TokenVerifyResponse;
import dev.stepflow.auth.ApiToken;
import dev.stepflow.auth.Permission;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

/**
 * GET /user/tokens/verify: Cloudflare's way to ask whether a token is valid, with Stepflow's {@code
 * permission}, which the dashboard reads to show a read token's actions disabled.
 */
public final class TokensResource implements TokensApi {
  @Context private SecurityContext security;

  @Override
  public TokenVerifyResponse verifyToken() {
    ApiToken token = Caller.of(security).token();
    TokenStatus status =
        new TokenStatus(token.id(), TokenStatus.StatusEnum.ACTIVE)
            .permission(wire(token.permission()));
    return new TokenVerifyResponse(NONE, NONE, status, true);
  }

  private static TokenStatus.PermissionEnum wire(Permission permission) {
    return switch (permission) {
      case READ -> TokenStatus.PermissionEnum.READ;
      case EDIT -> TokenStatus.PermissionEnum.EDIT;
    };
  }
}
