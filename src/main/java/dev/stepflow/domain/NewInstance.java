package dev.stepflow.domain;

/** An instance to create: its id (already validated or generated) and its params as JSON text. */
public record NewInstance(String instanceId, String paramsJson) {}
