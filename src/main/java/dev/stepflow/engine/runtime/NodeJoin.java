package dev.stepflow.engine.runtime;

import dev.stepflow.store.NodeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this node at start. A node of the same id that renewed its heartbeat less than a lease
 * time ago is either this node's previous process (killed, restarted quickly with a fixed {@code
 * --node-id}) or a second process configured with the same id. Either way this one waits until that
 * heartbeat is a lease time old, so that the old process's leases have ended before this one counts
 * them as its own; if the heartbeat keeps being renewed, the other process is alive and the start
 * fails.
 */
final class NodeJoin {
  private static final Logger log = LoggerFactory.getLogger(NodeJoin.class);

  private final NodeStore nodes;
  private final NodeSettings node;
  private final Clock clock;

  NodeJoin(NodeStore nodes, NodeSettings node, Clock clock) {
    this.nodes = nodes;
    this.node = node;
    this.clock = clock;
  }

  void join() {
    // alone with its store, no other process can hold this node's leases
    Duration leaseTime = node.alone() ? Duration.ZERO : node.leaseTime();
    Instant giveUpAt = clock.instant().plus(leaseTime.multipliedBy(2)).plusSeconds(1);
    boolean told = false;
    while (true) {
      Optional<Instant> alive = nodes.join(node.nodeId(), clock.instant(), leaseTime);
      if (alive.isEmpty()) {
        return;
      }
      if (clock.instant().isAfter(giveUpAt)) {
        // a configuration error, reported by the CLI in one line (IllegalArgumentException)
        throw new IllegalArgumentException(
            "Another process runs as node '"
                + node.nodeId()
                + "' (its heartbeat keeps being renewed): give every node its own --node-id.");
      }
      if (!told) {
        log.info(
            "Node '{}' renewed its heartbeat at {}: waiting until its leases have ended",
            node.nodeId(),
            alive.get());
        told = true;
      }
      sleep(alive.get().plus(leaseTime).plusMillis(100), giveUpAt);
    }
  }

  private void sleep(Instant until, Instant giveUpAt) {
    Instant end = until.isBefore(giveUpAt) ? until : giveUpAt.plusMillis(1);
    Duration wait = Duration.between(clock.instant(), end);
    if (wait.isNegative() || wait.isZero()) {
      return;
    }
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting to join as " + node.nodeId(), e);
    }
  }
}
