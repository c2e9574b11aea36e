package dev.stepflow.http;

import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.WorkflowException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.List;

/**
 * What the caller may do, checked once the request matched an operation and before its body is
 * read: the {@code account_id} Jersey matched must be one of the token's accounts, and anything but
 * a read needs an edit token. Refusals are 403 (10003). Using the matched path parameter, not a
 * parse of the raw path, means no spelling of a path can reach an account the check did not see.
 */
@Priority(Priorities.AUTHORIZATION)
public final class Authorization implements ContainerRequestFilter {
  static final String ACCOUNT_PARAMETER = "account_id";

  @Override
  public void filter(ContainerRequestContext request) {
    Caller caller = Caller.of(request.getSecurityContext());
    List<String> accounts =
        request.getUriInfo().getPathParameters().getOrDefault(ACCOUNT_PARAMETER, List.of());
    for (String account : accounts) {
      if (!caller.token().mayUse(account)) {
        throw forbidden("This API token is not valid for account '" + account + "'.");
      }
    }
    if (!caller.token().mayDo(request.getMethod())) {
      throw forbidden(
          "This API token may only read; "
              + request.getMethod()
              + " needs a token with the edit permission.");
    }
  }

  private static WorkflowException forbidden(String message) {
    return new WorkflowException(ErrorCode.FORBIDDEN, message);
  }
}
