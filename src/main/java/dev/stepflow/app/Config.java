package dev.stepflow.app;

import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;

/**
 * Everything a server start needs to know; built by the CLI. {@code effectsLog}, when set, is where
 * the built-in workflows report every step attempt (for demos and tests).
 */
public record Config(
    String host, int port, Path dataDir, Durability durability, int maxRunning, Path effectsLog) {

  public static final int DEFAULT_MAX_RUNNING = 1000;

  public static Config of(String host, int port, Path dataDir, Durability durability) {
    return new Config(host, port, dataDir, durability, DEFAULT_MAX_RUNNING, null);
  }
}
