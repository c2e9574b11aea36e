package dev.stepflow.engine.runtime;

import dev.stepflow.domain.Limits;
import java.math.BigDecimal;
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
 * it finds at start is a previous process's and counts as ended. {@code maxInstanceStateBytes} is
 * the persisted state its runs let an instance reach (see {@link
 * dev.stepflow.domain.Limits#DEFAULT_MAX_INSTANCE_STATE_BYTES}).
 */
public record NodeSettings(
    String nodeId, Duration leaseTime, boolean alone, long maxInstanceStateBytes) {
  /**
   * How long a lease lasts without renewal unless configured otherwise. A dead node's instances
   * move to another node at most this long after its last renewal, plus the takeover scan (1 s):
   * under 10 s. Renewals come every third of it, so two lost in a row do no harm.
   */
  public static final int DEFAULT_LEASE_SECONDS = 6;

  /** The shortest lease a node may take; it renews every third of it. */
  public static final int MIN_LEASE_SECONDS = 1;

  /** Node ids appear in logs and in the database; printable and short. */
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  public NodeSettings {
    checkNodeId(nodeId);
    checkLeaseTime(leaseTime);
    checkMaxInstanceStateBytes(maxInstanceStateBytes);
  }

  /** A node whose runs keep instances within Cloudflare's 100 MB of persisted state. */
  public NodeSettings(String nodeId, Duration leaseTime, boolean alone) {
    this(nodeId, leaseTime, alone, Limits.DEFAULT_MAX_INSTANCE_STATE_BYTES);
  }

  /**
   * Refuses a state limit below one step result ({@link Limits#MAX_PAYLOAD_BYTES}), which no
   * instance could work within. Public so the configuration can refuse it before anything starts.
   */
  public static void checkMaxInstanceStateBytes(long bytes) {
    if (bytes < Limits.MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "--max-instance-state-bytes must be at least "
              + Limits.MAX_PAYLOAD_BYTES
              + " (one step result; found: "
              + bytes
              + ")");
    }
  }

  /**
   * Refuses a node id that is not 1 to 100 letters, digits, '.', '_', ':' or '-'. Public so the
   * configuration can refuse it before anything starts.
   */
  public static void checkNodeId(String nodeId) {
    if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException(
          "--node-id must be 1 to 100 letters, digits, '.', '_', ':' or '-' (found: "
              + nodeId
              + ")");
    }
  }

  /**
   * Refuses a lease shorter than {@link #MIN_LEASE_SECONDS}. Public so the configuration can refuse
   * it before anything starts.
   */
  public static void checkLeaseTime(Duration leaseTime) {
    if (leaseTime.compareTo(Duration.ofSeconds(MIN_LEASE_SECONDS)) < 0) {
      throw new IllegalArgumentException(
          "--lease-seconds must be at least "
              + MIN_LEASE_SECONDS
              + " (found: "
              + BigDecimal.valueOf(leaseTime.toMillis(), 3).stripTrailingZeros().toPlainString()
              + ")");
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
