package dev.stepflow.app;

import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.RunAdmission;
import dev.stepflow.store.postgres.PostgresDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which store a server opens: the embedded SQLite file in the data folder (the default), or a
 * PostgreSQL database that several nodes may share. {@code url}, {@code user}, {@code password} and
 * {@code poolSize} only matter for PostgreSQL; user and password may be null (then the URL or the
 * driver's defaults say who connects).
 */
public record StoreSettings(Kind kind, String url, String user, String password, int poolSize) {

  /** The store kinds; their command-line names are the lower-case constant names. */
  public enum Kind {
    SQLITE,
    POSTGRES;

    /** The kind a {@code --store} name means: sqlite or postgres. */
    public static Kind named(String name) {
      for (Kind kind : values()) {
        if (kind.name().toLowerCase(Locale.ROOT).equals(name)) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          "--store must be sqlite or postgres (found: " + name + ")");
    }
  }

  /** Connections one node keeps open to PostgreSQL at most, unless told otherwise. */
  public static final int DEFAULT_POOL_SIZE = 16;

  public static final StoreSettings SQLITE =
      new StoreSettings(Kind.SQLITE, null, null, null, DEFAULT_POOL_SIZE);

  public StoreSettings {
    if (kind == Kind.POSTGRES && (url == null || !url.startsWith("jdbc:postgresql:"))) {
      throw new IllegalArgumentException(
          "--store postgres needs --db-url jdbc:postgresql://HOST:PORT/DATABASE"
              + " (or STEPFLOW_DB_URL); found: "
              + withoutQuery(url));
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException(
          "--db-pool-size must be at least 1 (found: " + poolSize + ")");
    }
  }

  public static StoreSettings postgres(String url, String user, String password, int poolSize) {
    return new StoreSettings(Kind.POSTGRES, url, user, password, poolSize);
  }

  /** Whether several nodes may share the store (PostgreSQL), or it is one node's own (SQLite). */
  boolean shared() {
    return kind == Kind.POSTGRES;
  }

  /**
   * The view of {@code database} that the engine's runs use: on PostgreSQL they share the pool with
   * API requests and lease renewals, and may hold only part of it ({@link RunAdmission}); SQLite's
   * runs write through the one writer that queues every write anyway.
   */
  Database forRuns(Database database) {
    return shared() ? RunAdmission.of(database, poolSize) : database;
  }

  /**
   * Starts, on another thread, what opening the store will need that depends on nothing but the
   * class path (SQLite's native library), so that it overlaps the checks made before the store is
   * opened. Closing the handle waits until that work ended.
   */
  AutoCloseable prepareToOpen() {
    return switch (kind) {
      case SQLITE -> SqliteDatabase.loadLibraryAhead();
      // pgjdbc is plain Java: nothing to load ahead
      case POSTGRES -> () -> {};
    };
  }

  /**
   * Opens the store; {@code dataDir} and {@code durability} apply to SQLite only (PostgreSQL's
   * durability is the server's: fsync and synchronous_commit).
   */
  Database open(Path dataDir, Durability durability) {
    return switch (kind) {
      case SQLITE -> SqliteDatabase.open(dataDir, durability);
      case POSTGRES -> PostgresDatabase.open(url, user, password, poolSize);
    };
  }

  /** Where the data is, for the start-up log line; never the password. */
  String describe(Path dataDir) {
    return switch (kind) {
      case SQLITE -> "data in " + dataDir.toAbsolutePath();
      case POSTGRES -> "data in PostgreSQL " + withoutQuery(url);
    };
  }

  /** What to check when the store cannot be opened, for the one line a failed start prints. */
  String openAdvice() {
    return switch (kind) {
      case SQLITE ->
          "Check that this user may write the data folder and the disk has room, or choose"
              + " another --data.";
      case POSTGRES ->
          "Check --db-url, --db-user and the password, and that PostgreSQL accepts connections"
              + " from this machine.";
    };
  }

  /** Hides the password from logs and exception messages that print the record. */
  @Override
  public String toString() {
    return "StoreSettings[kind="
        + kind
        + ", url="
        + withoutQuery(url)
        + ", user="
        + user
        + ", poolSize="
        + poolSize
        + "]";
  }

  /** A JDBC URL without its query, where a password may be. */
  private static String withoutQuery(String url) {
    return url == null ? null : url.replaceFirst("\\?.*$", "");
  }
}
