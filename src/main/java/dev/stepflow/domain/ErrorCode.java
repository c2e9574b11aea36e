package dev.stepflow.domain;

/**
 * The error codes of DESIGN.md section 3: the number and machine key clients see in {@code
 * errors[]}. These keys are asserted by the contract tests and matched by Cloudflare's clients; do
 * not reword them.
 */
public enum ErrorCode {
  INTERNAL(10001, "workflows.api.error.internal_server", ErrorKind.INTERNAL),
  STORE_UNAVAILABLE(10001, "workflows.api.error.internal_server", ErrorKind.UNAVAILABLE),
  /**
   * {@code GET /readyz} while the server cannot take work (its store does not answer, its engine
   * does not dispatch): 503, with the number and key of {@link #STORE_UNAVAILABLE}, the table's
   * code for a failure a retry later may fix.
   */
  NOT_READY(10001, "workflows.api.error.internal_server", ErrorKind.UNAVAILABLE),
  INVALID(10002, "workflows.api.error.body", ErrorKind.INVALID),
  WORKFLOW_NOT_FOUND(10200, "workflows.api.error.workflow.not_found", ErrorKind.NOT_FOUND),
  INSTANCE_NOT_FOUND(10400, "workflows.api.error.instance.not_found", ErrorKind.NOT_FOUND),
  CANNOT_TERMINATE(10401, "workflows.api.error.instance.cannot_terminate", ErrorKind.CONFLICT),
  CANNOT_PAUSE(10402, "workflows.api.error.instance.cannot_pause", ErrorKind.CONFLICT),
  CANNOT_RESUME(10403, "workflows.api.error.instance.cannot_resume", ErrorKind.CONFLICT),
  CANNOT_RESTART(10404, "workflows.api.error.instance.cannot_restart", ErrorKind.CONFLICT),
  ALREADY_EXISTS(10405, "workflows.api.error.instance.already_exists", ErrorKind.CONFLICT),
  CANNOT_RECEIVE_EVENT(
      10406, "workflows.api.error.instance.cannot_receive_event", ErrorKind.CONFLICT),
  /**
   * Not in Cloudflare's published list: DELETE of an instance (or of a workflow with such an
   * instance) in a status the transition table refuses deletion in, named like the other refusals.
   */
  CANNOT_DELETE(10408, "workflows.api.error.instance.cannot_delete", ErrorKind.CONFLICT),
  /** Not in Cloudflare's published list: GET .../step for a step the instance never started. */
  STEP_NOT_FOUND(10407, "workflows.api.error.step.not_found", ErrorKind.NOT_FOUND),
  /**
   * Not in Cloudflare's published list: a bulk job id (.../workflows/{w}/bulk/{job_id}) that names
   * no job of the workflow. 10408 is taken by {@link #CANNOT_DELETE}, 10409 by the Idempotency-Key
   * refusals.
   */
  BULK_JOB_NOT_FOUND(10410, "workflows.api.error.bulk_job.not_found", ErrorKind.NOT_FOUND),
  /** DESIGN.md section 5: If-Match or if_status of PATCH .../status does not hold. */
  PRECONDITION_FAILED(
      10412, "workflows.api.error.precondition_failed", ErrorKind.PRECONDITION_FAILED),
  /** DESIGN.md section 5: an Idempotency-Key used again with another method, path or body. */
  IDEMPOTENCY_KEY_REUSED(
      10422, "workflows.api.error.idempotency_key_reused", ErrorKind.UNPROCESSABLE),
  /** Stepflow's own: the first request with this Idempotency-Key is still being answered; retry. */
  IDEMPOTENCY_KEY_IN_PROGRESS(
      10409, "workflows.api.error.idempotency_key_in_progress", ErrorKind.IN_PROGRESS),
  /**
   * Stepflow's own: the first request with this Idempotency-Key was cut short by a server stop, so
   * its outcome is unknown; a retry with the key cannot tell either.
   */
  IDEMPOTENCY_OUTCOME_UNKNOWN(
      10409, "workflows.api.error.idempotency_outcome_unknown", ErrorKind.CONFLICT),
  PAYLOAD_TOO_LARGE(10413, "workflows.api.error.payload_too_large", ErrorKind.TOO_LARGE),
  DUPLICATE_IN_BATCH(10415, "workflows.api.error.instance.duplicate_in_batch", ErrorKind.INVALID),
  RATE_LIMITED(10429, "workflows.api.error.rate_limited", ErrorKind.RATE_LIMITED),
  /** Cloudflare's code for a path that names no endpoint. */
  NO_ROUTE(7000, "No route for that URI", ErrorKind.NOT_FOUND),
  /** Cloudflare's code for a known path with a method it does not serve (HTTP 405). */
  METHOD_NOT_ALLOWED(7001, "Method not allowed", ErrorKind.INVALID),
  UNAUTHENTICATED(10000, "Authentication error", ErrorKind.UNAUTHENTICATED),
  FORBIDDEN(10003, "workflows.api.error.forbidden", ErrorKind.FORBIDDEN);

  private final int code;
  private final String key;
  private final ErrorKind kind;

  ErrorCode(int code, String key, ErrorKind kind) {
    this.code = code;
    this.key = key;
    this.kind = kind;
  }

  public int code() {
    return code;
  }

  public String key() {
    return key;
  }

  public ErrorKind kind() {
    return kind;
  }
}
