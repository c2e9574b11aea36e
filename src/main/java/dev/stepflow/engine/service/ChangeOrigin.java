package dev.stepflow.engine.service;

import dev.stepflow.store.BulkItemReceipt;
import java.util.Optional;

/**
 * Who asks {@link InstanceControl} for a change, and why: {@code actor} is what the status history
 * records ({@code token:<id>}, or {@code bulk:<job id>} for a bulk job's change); {@code reason} is
 * the client's reason, which a bulk job carries from its request to every change it applies (the
 * status history keeps the actor; the job keeps its reason). A bulk job's item also carries the
 * {@code receipt} that commits with the change, so the change is applied at most once per item.
 */
public record ChangeOrigin(
    String actor, Optional<String> reason, Optional<BulkItemReceipt> receipt) {

  /** A client's own request, made as {@code actor}. */
  public static ChangeOrigin of(String actor) {
    return new ChangeOrigin(actor, Optional.empty(), Optional.empty());
  }
}
