package dev.stepflow.workflow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Given to a rollback handler: the step it compensates, that step's output (null if it never
 * succeeded), the error that triggered the rollback, and the handler's attempt (1-based).
 */
public record RollbackContext(
    String name, int count, JsonNode output, String triggerError, int attempt) {}
