package dev.stepflow.app;

import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;

/** Everything a server start needs to know; built by the CLI. */
public record Config(String host, int port, Path dataDir, Durability durability) {}
