package dev.stepflow.store;

/**
 * Thrown, with the change it came with rolled back, when a {@link BulkItemReceipt} cannot be
 * recorded: the item is no longer pending (done before a crash, or cancelled), or its job is no
 * longer running on the receipt's node (cancelled, taken over, deleted with its workflow). Only the
 * bulk job runner passes receipts; it re-reads its job and goes on or stops. Never reaches HTTP.
 */
public final class ItemAlreadySettled extends RuntimeException {
  public ItemAlreadySettled(BulkItemReceipt receipt) {
    super(
        "Item "
            + receipt.position()
            + " of bulk job "
            + receipt.jobId()
            + " is no longer pending on node "
            + receipt.node());
  }
}
