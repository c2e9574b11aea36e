package dev.stepflow.http;

import static dev.stepflow.http.Envelopes.NONE;

import dev.stepflow.api.InstancesApi;
import dev.stepflow.api.model.EventSent;
import dev.stepflow.api.model.EventSentResponse;
import dev.stepflow.api.model.InstanceCreateRequest;
import dev.stepflow.api.model.InstanceCreateResponse;
import dev.stepflow.api.model.InstanceDeleteResponse;
import dev.stepflow.api.model.InstanceDeleteResult;
import dev.stepflow.api.model.InstanceDetailsResponse;
import dev.stepflow.api.model.InstanceListResponse;
import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.api.model.StepDetailResponse;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Retention;
import dev.stepflow.domain.WorkflowRef;
import dev.stepflow.engine.service.InstanceService;
import dev.stepflow.engine.service.InstanceService.CreateRequest;
import jakarta.ws.rs.core.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.glassfish.jersey.internal.PropertiesDelegate;

/** One instance at a time: create, list, get, delete, send an event, read a step. */
public final class InstancesResource implements InstancesApi {
  @Context private PropertiesDelegate request;

  private final InstanceService instances;

  public InstancesResource(InstanceService instances) {
    this.instances = instances;
  }

  @Override
  public InstanceCreateResponse createInstance(
      String accountId,
      String workflowName,
      String reason,
      String idempotencyKey,
      InstanceCreateRequest body) {
    CreateRequest request =
        body == null
            ? new CreateRequest(null, null, Retention.FOREVER)
            : new CreateRequest(
                body.getInstanceId(),
                JsonValues.paramsText(body.getParams()),
                RetentionMapper.fromWire(body.getInstanceRetention(), "instance_retention"),
                FailurePolicies.fromWire(body.getOnFailure()));
    var created =
        instances.create(
            new WorkflowRef(accountId, workflowName),
            List.of(request),
            ControlCalls.origin(this.request));
    return new InstanceCreateResponse(NONE, NONE, InstanceMapper.created(created.getFirst()), true);
  }

  @Override
  public InstanceListResponse listInstances(
      String accountId,
      String workflowName,
      Integer page,
      Integer perPage,
      String cursor,
      String direction,
      InstanceStatus status,
      OffsetDateTime dateStart,
      OffsetDateTime dateEnd) {
    return InstanceLists.list(
        instances,
        new WorkflowRef(accountId, workflowName),
        new InstanceLists.Params(page, perPage, cursor, direction, status, dateStart, dateEnd));
  }

  @Override
  public InstanceDetailsResponse getInstance(
      String accountId, String workflowName, String instanceId, Boolean simple, String order) {
    boolean ascending = Orders.ascending(order, "order");
    var found = instances.details(new InstanceRef(accountId, workflowName, instanceId));
    EntityTags.tag(request, found.instance().etag());
    return new InstanceDetailsResponse(
        NONE, NONE, InstanceMapper.details(found, Boolean.TRUE.equals(simple), ascending), true);
  }

  @Override
  public InstanceDeleteResponse deleteInstance(
      String accountId,
      String workflowName,
      String instanceId,
      String reason,
      String idempotencyKey) {
    Instant at = instances.delete(new InstanceRef(accountId, workflowName, instanceId));
    return new InstanceDeleteResponse(
        NONE, NONE, new InstanceDeleteResult(instanceId, WireMapper.time(at)), true);
  }

  @Override
  public EventSentResponse sendInstanceEvent(
      String accountId,
      String workflowName,
      String instanceId,
      String eventType,
      String reason,
      String idempotencyKey,
      Object body) {
    InstanceRef ref = new InstanceRef(accountId, workflowName, instanceId);
    Instant at = instances.sendEvent(ref, eventType, JsonValues.toText(body));
    return new EventSentResponse(
        NONE, NONE, new EventSent(instanceId, eventType, WireMapper.time(at)), true);
  }

  @Override
  public StepDetailResponse getInstanceStep(
      String accountId,
      String workflowName,
      String instanceId,
      String name,
      String type,
      Integer attempt) {
    var step =
        instances.step(
            new InstanceRef(accountId, workflowName, instanceId), StepNames.parse(name, type));
    return new StepDetailResponse(
        NONE,
        NONE,
        attempt == null
            ? InstanceMapper.step(step)
            : InstanceMapper.step(step, instanceId, attempt),
        true);
  }
}
