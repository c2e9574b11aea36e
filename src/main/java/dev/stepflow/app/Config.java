package dev.stepflow.app;

import dev.stepflow.domain.Limits;
import dev.stepflow.engine.runtime.NodeSettings;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.web.HttpLimits;
import dev.stepflow.web.Tls;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a server start needs to know; built by the CLI. {@code effectsLog}, when set, is where
 * the built-in workflows report every step attempt (for demos and tests). {@code store} says where
 * the data lives: SQLite in {@code dataDir} unless it names PostgreSQL. {@code cluster} is this
 * node's id and lease time among the nodes sharing a PostgreSQL store.
 *
 * <p>Each default is one constant of the record that holds the value, and each rule is checked when
 * that record is made, with a message that names the command-line option: the CLI shows it as a
 * usage error, and an embedding application gets it before anything is opened.
 */
public record Config(
    String host,
    int port,
    Path dataDir,
    Durability durability,
    int maxRunning,
    Path effectsLog,
    Access access,
    CreationRates creationRates,
    StoreSettings store,
    Cluster cluster,
    long maxInstanceStateBytes,
    Http http,
    Metrics metrics,
    Duration auditRetention) {

  /**
   * How long audit entries are kept unless configured otherwise ({@code --audit-retention-days}).
   */
  public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(90);

  /** Instances that may run at once unless configured otherwise. */
  public static final int DEFAULT_MAX_RUNNING = 1000;

  /** Port 0 picks a free port; max-running 0 accepts and queues instances but runs none. */
  public Config {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "--port must be 0 (any free port) to 65535 (found: " + port + ")");
    }
    if (maxRunning < 0) {
      throw new IllegalArgumentException(
          "--max-running must be 0 or more (found: " + maxRunning + ")");
    }
    NodeSettings.checkMaxInstanceStateBytes(maxInstanceStateBytes);
    if (http == null) {
      http = Http.DEFAULT;
    }
    if (metrics == null) {
      metrics = Metrics.DEFAULT;
    }
    if (auditRetention == null) {
      auditRetention = DEFAULT_AUDIT_RETENTION;
    }
    if (auditRetention.compareTo(Duration.ofDays(1)) < 0
        || auditRetention.compareTo(Duration.ofDays(36_500)) > 0) {
      throw new IllegalArgumentException(
          "--audit-retention-days must be 1 to 36500 (found: " + auditRetention.toDays() + ")");
    }
  }

  /**
   * {@code GET /metrics}: served ({@code enabled}, the default) or not at all, on the API's port or
   * on a {@code port} of its own, to anyone or only with the bearer token of {@code tokenFile}.
   */
  public record Metrics(boolean enabled, Integer port, Path tokenFile) {
    public static final Metrics DEFAULT = new Metrics(true, null, null);

    public Metrics {
      if (port != null && (port < 0 || port > 65535)) {
        throw new IllegalArgumentException(
            "--metrics-port must be 0 (any free port) to 65535 (found: " + port + ")");
      }
      if (!enabled && (port != null || tokenFile != null)) {
        throw new IllegalArgumentException(
            "--metrics-port and --metrics-token-file need --metrics on");
      }
    }

    /** The setting of a {@code --metrics} value: on or off. */
    public static boolean enabledNamed(String name) {
      return switch (name) {
        case "on" -> true;
        case "off" -> false;
        default ->
            throw new IllegalArgumentException("--metrics must be on or off (found: " + name + ")");
      };
    }
  }

  /**
   * The HTTP front: what a client is allowed (timeouts, connections, headers) and, when {@code tls}
   * is set, the certificate and key it serves HTTPS with.
   */
  public record Http(HttpLimits limits, Tls tls) {
    public static final Http DEFAULT = new Http(HttpLimits.DEFAULT, null);

    public Http {
      if (limits == null) {
        limits = HttpLimits.DEFAULT;
      }
    }
  }

  /** The durability of a {@code --durability} name: normal or full. */
  public static Durability durabilityNamed(String name) {
    return switch (name) {
      case "normal" -> Durability.PROCESS_CRASH;
      case "full" -> Durability.POWER_LOSS;
      default ->
          throw new IllegalArgumentException(
              "--durability must be normal or full (found: " + name + ")");
    };
  }

  /**
   * Who may call: the tokens of {@code tokensFile} (null: {@code DATA/tokens.json}, created with a
   * dev token on the first start), or anyone when {@code insecureNoAuth}; not both.
   */
  public record Access(Path tokensFile, boolean insecureNoAuth) {
    public static final Access DEFAULT = new Access(null, false);

    public Access {
      if (insecureNoAuth && tokensFile != null) {
        throw new IllegalArgumentException(
            "--tokens and --insecure-no-auth exclude each other; give one of them");
      }
    }
  }

  /** Instances that may be created per second, per account and per workflow; 0 is unlimited. */
  public record CreationRates(int perAccount, int perWorkflow) {
    /** Cloudflare's limits. */
    public static final int DEFAULT_PER_ACCOUNT = 300;

    public static final int DEFAULT_PER_WORKFLOW = 100;

    public static final CreationRates DEFAULT =
        new CreationRates(DEFAULT_PER_ACCOUNT, DEFAULT_PER_WORKFLOW);

    public static final CreationRates UNLIMITED = new CreationRates(0, 0);

    public CreationRates {
      requireRate("--create-rate-per-account", perAccount);
      requireRate("--create-rate-per-workflow", perWorkflow);
    }

    private static void requireRate(String option, int rate) {
      if (rate < 0) {
        throw new IllegalArgumentException(
            option + " must be 0 (no limit) or more (found: " + rate + ")");
      }
    }
  }

  /**
   * This node among the nodes that share the store: its id ({@code null}: generated from host,
   * process id and a random part) and how long its leases on instances last without renewal. The
   * rules are {@link NodeSettings}'s, applied here as well so a wrong value is refused before
   * anything is opened.
   */
  public record Cluster(String nodeId, Duration leaseTime) {
    public static final Cluster DEFAULT =
        new Cluster(null, Duration.ofSeconds(NodeSettings.DEFAULT_LEASE_SECONDS));

    public Cluster {
      if (nodeId != null) {
        NodeSettings.checkNodeId(nodeId);
      }
      NodeSettings.checkLeaseTime(leaseTime);
    }
  }

  /** The defaults: tokens in the data folder, Cloudflare's creation rates, SQLite. */
  public static Config of(String host, int port, Path dataDir, Durability durability) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        DEFAULT_MAX_RUNNING,
        null,
        Access.DEFAULT,
        CreationRates.DEFAULT,
        StoreSettings.SQLITE,
        Cluster.DEFAULT,
        Limits.DEFAULT_MAX_INSTANCE_STATE_BYTES,
        Http.DEFAULT,
        Metrics.DEFAULT,
        DEFAULT_AUDIT_RETENTION);
  }

  public Config withMaxRunning(int value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        value,
        effectsLog,
        access,
        creationRates,
        store,
        cluster,
        maxInstanceStateBytes,
        http,
        metrics,
        auditRetention);
  }

  public Config withEffectsLog(Path value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        maxRunning,
        value,
        access,
        creationRates,
        store,
        cluster,
        maxInstanceStateBytes,
        http,
        metrics,
        auditRetention);
  }

  public Config withAccess(Access value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        maxRunning,
        effectsLog,
        value,
        creationRates,
        store,
        cluster,
        maxInstanceStateBytes,
        http,
        metrics,
        auditRetention);
  }

  public Config withCreationRates(CreationRates value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        maxRunning,
        effectsLog,
        access,
        value,
        store,
        cluster,
        maxInstanceStateBytes,
        http,
        metrics,
        auditRetention);
  }

  /** This configuration with its data in {@code value}. */
  public Config withStore(StoreSettings value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        maxRunning,
        effectsLog,
        access,
        creationRates,
        value,
        cluster,
        maxInstanceStateBytes,
        http,
        metrics,
        auditRetention);
  }

  /** This configuration with another limit of persisted state per instance. */
  public Config withMaxInstanceStateBytes(long value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        maxRunning,
        effectsLog,
        access,
        creationRates,
        store,
        cluster,
        value,
        http,
        metrics,
        auditRetention);
  }

  /** This configuration with another node id or lease time. */
  public Config withCluster(Cluster value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        maxRunning,
        effectsLog,
        access,
        creationRates,
        store,
        value,
        maxInstanceStateBytes,
        http,
        metrics,
        auditRetention);
  }

  /** This configuration with other HTTP limits or TLS. */
  public Config withHttp(Http value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        maxRunning,
        effectsLog,
        access,
        creationRates,
        store,
        cluster,
        maxInstanceStateBytes,
        value,
        metrics,
        auditRetention);
  }

  public Config withMetrics(Metrics value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        maxRunning,
        effectsLog,
        access,
        creationRates,
        store,
        cluster,
        maxInstanceStateBytes,
        http,
        value,
        auditRetention);
  }

  /** Audit entries are deleted this long after they were made. */
  public Config withAuditRetention(Duration value) {
    return new Config(
        host,
        port,
        dataDir,
        durability,
        maxRunning,
        effectsLog,
        access,
        creationRates,
        store,
        cluster,
        maxInstanceStateBytes,
        http,
        metrics,
        value);
  }
}
