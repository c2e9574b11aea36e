package dev.stepflow.domain;

/** One entry of a failure: its code and a sentence saying what happened, with live values. */
public record Problem(ErrorCode code, String message) {}
