package dev.stepflow.app;

import java.time.Instant;

/** A status change as the client sees it: the status it led to and its time. */
record ClientChange(String to, Instant at) {}
