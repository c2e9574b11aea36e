package dev.stepflow.http;

import dev.stepflow.engine.service.AuditLog;
import dev.stepflow.engine.service.BulkJobs;
import dev.stepflow.engine.service.IdempotencyKeys;
import dev.stepflow.engine.service.InstanceControl;
import dev.stepflow.engine.service.InstanceService;
import dev.stepflow.engine.service.WorkflowService;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The Jersey application: the resources that implement the generated interfaces, plus providers.
 */
public final class ApiApplication {
  private ApiApplication() {}

  /** What the application records about control calls: the audit log and idempotency keys. */
  public record ControlRecords(AuditLog audit, IdempotencyKeys idempotencyKeys) {}

  public static ResourceConfig create(
      WorkflowService workflows,
      InstanceService instances,
      InstanceControl control,
      BulkJobs bulkJobs,
      ControlRecords records,
      Authentication authentication) {
    ResourceConfig config =
        new ResourceConfig()
            // without this, Jersey's own Jackson mappers answer bad JSON in text/plain
            .register(JacksonFeature.withoutExceptionMappers())
            .register(JsonConfig.class)
            .register(TimeParamConverter.class)
            .register(BooleanParamConverter.class)
            .register(OptionsAsJson.class)
            .register(authentication)
            .register(Authorization.class)
            .register(ControlCalls.class)
            .register(new IdempotentRequests(records.idempotencyKeys()))
            .register(new AuditTrail(records.audit()))
            .register(EntityTags.class)
            .register(BodySizeLimit.class)
            .register(OneValuePerQueryParameter.class)
            .register(ContentLengthFromBody.class)
            .register(new TokensResource())
            .register(new AccountsResource(workflows))
            .register(new WorkflowsResource(workflows))
            .register(new VersionsResource(workflows))
            .register(new InstancesResource(instances))
            .register(new InstanceBatchResource(instances, control, bulkJobs, workflows))
            .register(new BulkResource(bulkJobs))
            .register(new InstanceStatusResource(control))
            .register(new HistoryResource(instances))
            .register(new AuditResource(records.audit()))
            .property(ServerProperties.WADL_FEATURE_DISABLE, true)
            .property(ServerProperties.BV_SEND_ERROR_IN_RESPONSE, false);
    ErrorMappers.all().forEach(config::register);
    return config;
  }
}
