package dev.stepflow.domain;

import java.time.Instant;

/** An account: a namespace that exists once something was created in it. */
public record Account(String id, Instant createdOn) {}
