package dev.stepflow.soak;

import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.domain.StepRecord;
import dev.stepflow.store.InstanceStore.BufferedEvent;
import dev.stepflow.store.jdbc.Database;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.postgres.PostgresDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.testing.TestPostgres;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store the soak's server runs on, which outlives every round: a SQLite data folder (durability
 * normal or full) or a database on the test PostgreSQL server. {@link #read} opens it directly
 * while no server runs (right after a kill) and reads what it holds.
 */
record SoakStore(String kind, Path dataDir, String durability, String jdbcUrl) {

  static SoakStore create(String kind, Path dataDir, String durability) {
    return switch (kind) {
      case "sqlite" -> new SoakStore(kind, dataDir, durability, null);
      case "postgres" ->
          new SoakStore(kind, dataDir, durability, TestPostgres.shared().createDatabase());
      default ->
          throw new IllegalArgumentException("--store must be sqlite or postgres, not " + kind);
    };
  }

  /**
   * The {@code serve} options of this store; no creation rate limit, since the soak creates fast.
   */
  List<String> serveOptions(Path effectsLog) {
    List<String> options =
        new java.util.ArrayList<>(
            List.of(
                "--effects-log",
                effectsLog.toString(),
                "--create-rate-per-workflow",
                "0",
                "--create-rate-per-account",
                "0"));
    if (kind.equals("postgres")) {
      // a restarted node is another node: the dead one's leases must end before it takes over
      options.addAll(
          List.of(
              "--store",
              "postgres",
              "--db-url",
              jdbcUrl,
              "--db-user",
              TestPostgres.USER,
              "--lease-seconds",
              "2"));
    } else {
      options.addAll(List.of("--durability", durability));
    }
    return options;
  }

  /** One instance as the store holds it. */
  record Held(
      Status status,
      List<StatusChange> history,
      List<StepRecord> steps,
      List<BufferedEvent> events) {}

  /** What the store holds of each of {@code ids} that exists. */
  Map<String, Held> read(String account, String workflow, Collection<String> ids) {
    Map<String, Held> held = new LinkedHashMap<>();
    try (Database db = open()) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      for (String id : ids) {
        InstanceRef ref = new InstanceRef(account, workflow, id);
        Optional<Instance> instance = store.findInstance(ref);
        instance.ifPresent(
            i ->
                held.put(
                    id,
                    new Held(
                        i.status(),
                        store.history(ref),
                        store.steps(ref),
                        store.bufferedEvents(ref))));
      }
    } catch (Exception e) {
      throw new IllegalStateException("reading the " + kind + " store failed", e);
    }
    return held;
  }

  private Database open() {
    return kind.equals("postgres")
        ? PostgresDatabase.open(jdbcUrl, TestPostgres.USER, null, 2)
        : SqliteDatabase.open(
            dataDir,
            durability.equals("full")
                ? SqliteDatabase.Durability.POWER_LOSS
                : SqliteDatabase.Durability.PROCESS_CRASH);
  }
}
