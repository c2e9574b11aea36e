package dev.stepflow.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * The nodes that share a store, and the leases on the instances their runs work on. A node joins at
 * start, renews its heartbeat and the leases of its active runs regularly, and leaves at a clean
 * shutdown. The engine calls it; the leases decide which node runs what, while the run id of every
 * write (see {@link RunLease}) keeps a node that lost a lease from recording anything.
 */
public interface NodeStore {

  /**
   * Registers {@code nodeId} as started at {@code now}, unless a node of that id renewed its
   * heartbeat less than {@code leaseTime} ago (the same id running twice, or a restart faster than
   * the old process's leases end): then nothing changes and the answer is that heartbeat's time.
   */
  Optional<Instant> join(String nodeId, Instant now, Duration leaseTime);

  /**
   * Renews the node's heartbeat and, until {@code leaseUntil}, its leases on the instances of
   * {@code runs}; returns the runs whose lease the node still holds with the same run id. A run
   * missing from the answer lost its instance: taken over by another node, moved on (terminated,
   * restarted, deleted), or finished.
   */
  Set<RunLease> renew(String nodeId, Collection<RunLease> runs, Instant now, Instant leaseUntil);

  /**
   * Records which workflow classes the joined node {@code nodeId} can run, and how long its
   * heartbeat counts as alive ({@code leaseTime} after it), replacing what it recorded before.
   */
  void advertise(String nodeId, Duration leaseTime, Collection<String> workflowClasses);

  /** Whether a node whose heartbeat is still alive at {@code now} can run {@code className}. */
  boolean liveNodeRuns(String className, Instant now);

  /** How many nodes (this one included) have a heartbeat still alive at {@code now}. */
  int liveNodes(Instant now);

  /**
   * A clean shutdown: the node's leases end now, so that other nodes take its instances over at
   * once rather than after the lease time, and its row is removed.
   */
  void leave(String nodeId);
}
