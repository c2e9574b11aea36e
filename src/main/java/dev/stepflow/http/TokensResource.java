package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.TokensApi;
import dev.stepflow.api.model.TokenStatus;
import dev.stepflow.api.model.TokenVerifyResponse;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

/** GET /user/tokens/verify: Cloudflare's way to ask whether a token is valid. */
public final class TokensResource implements TokensApi {
  @Context private SecurityContext security;

  @Override
  public TokenVerifyResponse verifyToken() {
    return new TokenVerifyResponse(
        NONE,
        NONE,
        new TokenStatus(Caller.of(security).token().id(), TokenStatus.StatusEnum.ACTIVE),
        true);
  }
}
