package dev.stepflow.engine.runtime;

/** A do step of an instance, by display name ({@code s0-1}). */
record StepKey(String instanceId, String step) {}
