package dev.stepflow.app;

import dev.stepflow.engine.runtime.NodeSettings;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a server start needs to know; built by the CLI. {@code effectsLog}, when set, is where
 * the built-in workflows report every step attempt (for demos and tests). {@code store} says where
 * the data lives: SQLite in {@code dataDir} unless it names PostgreSQL. {@code cluster} is this
 * node's id and lease time among the nodes sharing a PostgreSQL store.
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
    Cluster cluster) {

  public static final int DEFAULT_MAX_RUNNING = 1000;

  /**
   * Who may call: the tokens of {@code tokensFile} (null: {@code DATA/tokens.json}, created with a
   * dev token on the first start), or anyone when {@code insecureNoAuth}.
   */
  public record Access(Path tokensFile, boolean insecureNoAuth) {
    public static final Access DEFAULT = new Access(null, false);
  }

  /** Instances that may be created per second, per account and per workflow; 0 is unlimited. */
  public record CreationRates(int perAccount, int perWorkflow) {
    /** Cloudflare's limits. */
    public static final CreationRates DEFAULT = new CreationRates(300, 100);

    public static final CreationRates UNLIMITED = new CreationRates(0, 0);
  }

  /**
   * This node among the nodes that share the store: its id ({@code null}: generated from host,
   * process id and a random part) and how long its leases on instances last without renewal.
   */
  public record Cluster(String nodeId, Duration leaseTime) {
    public static final Cluster DEFAULT = new Cluster(null, NodeSettings.DEFAULT_LEASE_TIME);
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
        Cluster.DEFAULT);
  }

  public Config withMaxRunning(int value) {
    return new Config(
        host, port, dataDir, durability, value, effectsLog, access, creationRates, store, cluster);
  }

  public Config withEffectsLog(Path value) {
    return new Config(
        host, port, dataDir, durability, maxRunning, value, access, creationRates, store, cluster);
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
        cluster);
  }

  public Config withCreationRates(CreationRates value) {
    return new Config(
        host, port, dataDir, durability, maxRunning, effectsLog, access, value, store, cluster);
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
        cluster);
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
        value);
  }
}
