package dev.stepflow.engine.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * This node among the nodes that share a store: its id (unique among them), how long its lease on
 * an instance lasts without renewal (it renews every third of that), and whether it is alone by
 * construction (an embedded SQLite file, which no other node can open), in which case every lease
 * it finds at start is a previous process's and counts as ended.
 */
public record NodeSettings(String nodeId, Duration leaseTime, boolean alone) {
  public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(15);
  public static final Duration MIN_LEASE_TIME = Duration.ofSeconds(1);

  /** Node ids appear in logs and in the database; printable and short. */
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  public NodeSettings {
    if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException(
          "A node id is 1 to 100 letters, digits, '.', '_', ':' or '-' (found: " + nodeId + ")");
    }
    if (leaseTime.compareTo(MIN_LEASE_TIME) < 0) {
      throw new IllegalArgumentException(
          "The lease time must be at least " + MIN_LEASE_TIME.toSeconds() + " s");
    }
  }

  /**
   * How often the node renews its leases: three times per lease, so one lost renewal is no harm.
   */
  Duration renewEvery() {
    return leaseTime.dividedBy(3);
  }

  /**
   * host-pid-random: unique without configuration, and says in logs and in the database which
   * process ran an instance. The random part tells a restarted process from its predecessor.
   */
  public static String generatedId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "node";
    }
    host = host.replaceAll("[^A-Za-z0-9.-]", "").replaceFirst("\\..*$", "");
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    return (host.isEmpty() ? "node" : host)
        + "-"
        + ProcessHandle.current().pid()
        + "-"
        + HexFormat.of().formatHex(random);
  }
}
