package dev.stepflow.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** What started the instance: its params (JSON, null when none), its id and its creation time. */
public record WorkflowEvent(JsonNode params, String instanceId, Instant createdOn) {}
