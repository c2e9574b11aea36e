package dev.stepflow.http;

/**
 * Who is asking, as recorded in status history. Until API tokens exist (issue 5) every request is
 * the anonymous API caller.
 */
final class Actor {
  static final String API = "api";

  private Actor() {}
}
