package dev.stepflow.store;

import dev.stepflow.domain.ErrorCode;
import dev.stepflow.domain.WorkflowException;

/** The database failed in a way a retry later may fix (disk full, locked, connection lost): 503. */
public final class StoreUnavailable extends WorkflowException {
  public StoreUnavailable(String what, Throwable cause) {
    super(ErrorCode.STORE_UNAVAILABLE, "The store could not " + what + "; try again shortly.");
    initCause(cause);
  }
}
