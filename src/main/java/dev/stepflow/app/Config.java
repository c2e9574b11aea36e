package dev.stepflow.app;

import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;

/**
 * Everything a server start needs to know; built by the CLI. {@code effectsLog}, when set, is where
 * the built-in workflows report every step attempt (for demos and tests). {@code store} says which
 * database holds the data (SQLite in {@code dataDir} unless told otherwise).
 */
public record Config(
    String host,
    int port,
    Path dataDir,
    Durability durability,
    int maxRunning,
    Path effectsLog,
    StoreSettings store) {

  public static final int DEFAULT_MAX_RUNNING = 1000;

  /** A configuration on the default store, SQLite in {@code dataDir}. */
  public Config(
      String host, int port, Path dataDir, Durability durability, int maxRunning, Path effectsLog) {
    this(host, port, dataDir, durability, maxRunning, effectsLog, StoreSettings.SQLITE);
  }

  public static Config of(String host, int port, Path dataDir, Durability durability) {
    return new Config(host, port, dataDir, durability, DEFAULT_MAX_RUNNING, null);
  }

  /** This configuration with its data in {@code store}. */
  public Config withStore(StoreSettings store) {
    return new Config(host, port, dataDir, durability, maxRunning, effectsLog, store);
  }
}
