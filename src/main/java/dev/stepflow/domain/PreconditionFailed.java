package dev.stepflow.domain;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * A status change whose caller's condition (If-Match, if_status) does not hold for the instance as
 * it is: nothing was changed. Carries the instance's current status and ETag, which the answer
 * gives back (412, 10412). Thrown by {@code InstanceControl}; callers of the service may catch it
 * to skip the instance.
 */
public final class PreconditionFailed extends WorkflowException {
  private final InstanceRef ref;
  private final Status currentStatus;
  private final String currentEtag;

  private PreconditionFailed(
      InstanceRef ref, Status currentStatus, String currentEtag, String message) {
    super(ErrorCode.PRECONDITION_FAILED, message);
    this.ref = ref;
    this.currentStatus = currentStatus;
    this.currentEtag = currentEtag;
  }

  /** The instance's ETag is none of {@code expected}. */
  public static PreconditionFailed etag(CurrentStatus instance, Collection<String> expected) {
    return new PreconditionFailed(
        instance.ref(),
        instance.status(),
        instance.etag(),
        "Instance '"
            + instance.ref().instanceId()
            + "' has ETag "
            + instance.etag()
            + " (it is "
            + WireNames.status(instance.status())
            + "), not "
            + String.join(" or ", expected)
            + ": it changed since it was read. Nothing was changed; read it again and decide"
            + " anew.");
  }

  /** The instance's status is none of {@code expected}. */
  public static PreconditionFailed status(CurrentStatus instance, Collection<Status> expected) {
    return new PreconditionFailed(
        instance.ref(),
        instance.status(),
        instance.etag(),
        "Instance '"
            + instance.ref().instanceId()
            + "' is "
            + WireNames.status(instance.status())
            + ", not "
            + expected.stream().map(WireNames::status).collect(Collectors.joining(" or "))
            + " as if_status requires. Nothing was changed.");
  }

  public InstanceRef ref() {
    return ref;
  }

  public Status currentStatus() {
    return currentStatus;
  }

  public String currentEtag() {
    return currentEtag;
  }
}
