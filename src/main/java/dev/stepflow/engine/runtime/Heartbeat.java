package dev.stepflow.engine.runtime;

import dev.stepflow.store.NodeStore;
import dev.stepflow.store.RunLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's leases alive: every third of the lease time it renews the node's heartbeat and
 * the lease of every run active here. A run that is not active here is not renewed, so an instance
 * whose run ended without finishing it (the engine failed) moves to another node once its lease
 * ends.
 *
 * <p>A node that cannot renew for a whole lease time must assume that other nodes are taking its
 * instances over, and stops its runs itself: they could record nothing anyway (their run ids are
 * fenced), and their step attempts would overlap with the new runs.
 */
final class Heartbeat implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final NodeStore nodes;
  private final NodeSettings node;
  private final ActiveRuns runs;
  private final Clock clock;
  private final Repeating renewals;
  private Instant lastRenewal;
  private boolean failing;

  Heartbeat(NodeStore nodes, NodeSettings node, ActiveRuns runs, Clock clock) {
    this.nodes = nodes;
    this.node = node;
    this.runs = runs;
    this.clock = clock;
    this.renewals = new Repeating("stepflow-heartbeat", node.renewEvery(), this::renewOnce);
  }

  void start() {
    lastRenewal = clock.instant();
    renewals.start();
  }

  /** One renewal; on failure, the runs stop once the last success is a lease time ago. */
  void renewOnce() {
    List<ActiveRuns.Active> active = runs.snapshot();
    Instant now = clock.instant();
    try {
      List<RunLease> leases = active.stream().map(a -> a.run().lease).toList();
      Set<RunLease> held = nodes.renew(node.nodeId(), leases, now, now.plus(node.leaseTime()));
      lastRenewal = now;
      if (failing) {
        log.info("Renewed this node's leases again");
        failing = false;
      }
      log.debug("Renewed {} of {} leases", held.size(), leases.size());
    } catch (RuntimeException e) {
      Duration since = Duration.between(lastRenewal, now);
      if (!failing) {
        log.warn("Could not renew this node's leases (last renewal {} ago)", since, e);
        failing = true;
      }
      if (since.compareTo(node.leaseTime()) >= 0 && !active.isEmpty()) {
        log.error(
            "No lease renewed for {}: stopping {} runs, which other nodes may take over now",
            since,
            active.size());
        active.forEach(runs::stop);
      }
    }
  }

  @Override
  public void close() {
    renewals.close();
  }
}
