package dev.stepflow.workflow;

/** Given to a step function: which step and which attempt (1-based) this is. */
public record StepContext(String name, int count, int attempt) {}
