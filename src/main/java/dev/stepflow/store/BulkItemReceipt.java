package dev.stepflow.store;

/**
 * The item of a bulk job that a status move or a deletion is made for, held by the job's node
 * {@code node}. The store records the item as applied in the transaction of the change itself, or
 * makes no change at all ({@link ItemAlreadySettled}): a change is never applied twice for one
 * item, nor applied without its item saying so, whatever crashes or takeovers happen in between.
 */
public record BulkItemReceipt(String jobId, long position, String node) {}
