package dev.stepflow.http;

import dev.stepflow.auth.Permission;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.domain.WorkflowException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.List;
import java.util.Optional;
import org.glassfish.jersey.internal.PropertiesDelegate;

/**
 * Names the origin of every control call (POST, PUT, PATCH, DELETE) once it is authorized: the
 * caller's token (id and name), its {@code X-Stepflow-Reason} and the request's id, which the
 * resources pass on with the change and {@link AuditTrail} records. The origin is set before the
 * reason is checked, so that a call refused for its reason (400) is still audited.
 */
@Priority(Priorities.HEADER_DECORATOR)
public final class ControlCalls implements ContainerRequestFilter {
  static final String REASON_HEADER = "X-Stepflow-Reason";

  /** Set by the HTTP front on every request ({@code dev.stepflow.web.RequestIds}). */
  static final String REQUEST_ID_HEADER = "X-Request-Id";

  private static final String ORIGIN = ControlCalls.class.getName() + ".origin";

  @Override
  public void filter(ContainerRequestContext request) {
    if (!Permission.needsEdit(request.getMethod())) {
      return;
    }
    Caller caller = Caller.of(request.getSecurityContext());
    ChangeOrigin origin =
        new ChangeOrigin(
            caller.getName(),
            caller.displayName(),
            null,
            request.getHeaderString(REQUEST_ID_HEADER));
    request.setProperty(ORIGIN, origin);
    List<String> reasons = request.getHeaders().getOrDefault(REASON_HEADER, List.of());
    if (reasons.size() > 1) {
      throw WorkflowException.invalid(
          "Send one " + REASON_HEADER + " header, not " + reasons.size() + ".");
    }
    if (!reasons.isEmpty()) {
      request.setProperty(ORIGIN, origin.withReason(reasons.getFirst()));
    }
  }

  /** The origin of this control call, if it is one that was authorized. */
  static Optional<ChangeOrigin> origin(ContainerRequestContext request) {
    return Optional.ofNullable((ChangeOrigin) request.getProperty(ORIGIN));
  }

  /** The origin of the control call a resource method is answering. */
  static ChangeOrigin origin(PropertiesDelegate request) {
    Object origin = request.getProperty(ORIGIN);
    if (origin == null) {
      throw new IllegalStateException(
          "a control call without an origin: is ControlCalls registered?");
    }
    return (ChangeOrigin) origin;
  }
}
