package dev.stepflow.http;

import dev.stepflow.domain.AuditEntry;
import dev.stepflow.domain.ChangeOrigin;
import dev.stepflow.engine.service.AuditLog;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.glassfish.jersey.internal.PropertiesDelegate;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every authorized control call in the account's audit log once its answer is known, before
 * the answer is sent: who, what, on what, the HTTP status, the reason and the request id. The
 * action is named by the operation (its generated method name) and, for PATCH .../status, by the
 * action its body asked for. A failure to record is logged and does not change the answer: the
 * change it describes has committed already.
 */
@Priority(Priorities.HEADER_DECORATOR - 100)
public final class AuditTrail implements ContainerResponseFilter {
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  private static final String ACTION = AuditTrail.class.getName() + ".action";

  /** The audit action of each control operation, by the operationId of the spec. */
  private static final Map<String, String> ACTIONS =
      Map.ofEntries(
          Map.entry("putWorkflow", "workflow.put"),
          Map.entry("deleteWorkflow", "workflow.delete"),
          Map.entry("createInstance", "instance.create"),
          Map.entry("createInstanceBatch", "instance.create_batch"),
          Map.entry("terminateInstanceBatch", "instance.terminate_batch"),
          Map.entry("deleteInstanceBatch", "instance.delete_batch"),
          Map.entry("startTerminateAllJob", "instance.terminate_all"),
          Map.entry("deleteInstance", "instance.delete"),
          Map.entry("sendInstanceEvent", "instance.event"),
          Map.entry("changeInstanceStatus", "instance.status"),
          Map.entry("startBulkJob", "bulk.start"),
          Map.entry("cancelBulkJob", "bulk.cancel"));

  private final AuditLog audit;

  public AuditTrail(AuditLog audit) {
    this.audit = audit;
  }

  /** Names the action of the call a resource method answers, more precisely than its operation. */
  static void action(PropertiesDelegate request, String action) {
    request.setProperty(ACTION, action);
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Optional<ChangeOrigin> origin = ControlCalls.origin(request);
    Optional<String> operation = operation(request);
    MultivaluedMap<String, String> path = request.getUriInfo().getPathParameters();
    String account = path.getFirst(Authorization.ACCOUNT_PARAMETER);
    if (origin.isEmpty() || operation.isEmpty() || account == null) {
      return;
    }
    String action =
        request.getProperty(ACTION) instanceof String named
            ? named
            : ACTIONS.getOrDefault(operation.get(), operation.get());
    try {
      audit.record(
          new AuditEntry(
              0,
              account,
              null,
              origin.get().actor(),
              origin.get().actorName(),
              action,
              request.getMethod(),
              path.getFirst("workflow_name"),
              path.getFirst("instance_id"),
              response.getStatus(),
              origin.get().reason(),
              origin.get().requestId()));
    } catch (RuntimeException e) {
      log.error(
          "The audit entry of {} {} (request {}) was not recorded",
          request.getMethod(),
          action,
          origin.get().requestId(),
          e);
    }
  }

  private static Optional<String> operation(ContainerRequestContext request) {
    if (!(request.getUriInfo() instanceof ExtendedUriInfo info)) {
      return Optional.empty();
    }
    ResourceMethod method = info.getMatchedResourceMethod();
    if (method == null || method.getInvocable().getDefinitionMethod() == null) {
      return Optional.empty();
    }
    return Optional.of(method.getInvocable().getDefinitionMethod().getName());
  }

  /** The operations this trail names; for the tests that check every control call has one. */
  static List<String> namedOperations() {
    return List.copyOf(ACTIONS.keySet());
  }
}
